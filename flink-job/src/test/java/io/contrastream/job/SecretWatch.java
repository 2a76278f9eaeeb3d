package io.contrastream.job;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Watches every log event of this JVM, down to DEBUG, for a secret: while open, the root logger and
 * the Kafka and Flink loggers log at DEBUG into this appender (the console keeps its WARN), and
 * every event whose message or exception text holds the secret is kept. {@link #close()} restores
 * the levels.
 */
public final class SecretWatch extends AbstractAppender implements AutoCloseable {

    private static final List<String> LOGGERS = List.of("org.apache.kafka", "org.apache.flink");

    private final String secret;
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final AtomicLong seen = new AtomicLong();
    private final LoggerContext context;
    private final Level rootLevel;
    private final Level[] levels = new Level[LOGGERS.size()];

    private SecretWatch(String secret) {
        super("secret-watch", null, null, true, Property.EMPTY_ARRAY);
        this.secret = secret;
        this.context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        rootLevel = root.getLevel();
        start();
        config.addAppender(this);
        Appender console = root.getAppenders().get("console");
        if (console != null) {
            root.removeAppender("console");
            root.addAppender(console, rootLevel, null);
        }
        root.addAppender(this, Level.DEBUG, null);
        root.setLevel(Level.DEBUG);
        for (int i = 0; i < LOGGERS.size(); i++) {
            LoggerConfig logger = config.getLoggerConfig(LOGGERS.get(i));
            levels[i] = logger.getLevel();
            if (logger.getName().equals(LOGGERS.get(i))) {
                logger.setLevel(Level.DEBUG);
            }
        }
        context.updateLoggers();
    }

    /** Starts watching for {@code secret}. */
    public static SecretWatch start(String secret) {
        return new SecretWatch(secret);
    }

    @Override
    public void append(LogEvent event) {
        seen.incrementAndGet();
        String text = event.getMessage().getFormattedMessage();
        Throwable thrown = event.getThrown();
        if ((text != null && text.contains(secret))
                || (thrown != null && String.valueOf(thrown).contains(secret))) {
            leaks.add(event.getLoggerName() + ": " + text);
        }
    }

    /** Log events that held the secret. */
    public List<String> leaks() {
        return List.copyOf(leaks);
    }

    /** Log events seen at all (so that a watch that saw nothing shows up). */
    public long eventsSeen() {
        return seen.get();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        LoggerConfig root = config.getRootLogger();
        root.removeAppender(getName());
        root.setLevel(rootLevel);
        for (int i = 0; i < LOGGERS.size(); i++) {
            LoggerConfig logger = config.getLoggerConfig(LOGGERS.get(i));
            if (logger.getName().equals(LOGGERS.get(i))) {
                logger.setLevel(levels[i]);
            }
        }
        context.updateLoggers();
        stop();
    }
}
