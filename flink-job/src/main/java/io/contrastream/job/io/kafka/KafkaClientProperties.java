package io.contrastream.job.io.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Kafka client settings given by the user (typically SASL and SSL: {@code security.protocol},
 * {@code sasl.jaas.config}, {@code ssl.truststore.password}), passed unchanged to the source's
 * consumer and to every sink's producer.
 *
 * <p>The values may be secrets, so this class never shows them: {@link #toString()} and {@link
 * #keyNames()} give the key names only, and every error names the key, never its value.
 *
 * <p>Keys the job sets itself from its own flags or for its guarantees are refused rather than
 * silently overridden: {@code bootstrap.servers} and {@code group.id} (flags), {@code
 * isolation.level}, {@code enable.auto.commit}, {@code transactional.id} and the (de)serializers.
 * {@code transaction.timeout.ms} may be set, e.g. for a broker whose {@code
 * transaction.max.timeout.ms} is below the job's default of 10 minutes.
 */
public final class KafkaClientProperties implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Keys that belong to the job; a file that sets one is refused. */
    public static final List<String> RESERVED_KEYS =
            List.of(
                    "bootstrap.servers",
                    "group.id",
                    "isolation.level",
                    "enable.auto.commit",
                    "transactional.id",
                    "key.serializer",
                    "value.serializer",
                    "key.deserializer",
                    "value.deserializer");

    private final Properties values;

    private KafkaClientProperties(Properties values) {
        for (String key : values.stringPropertyNames()) {
            if (RESERVED_KEYS.contains(key)) {
                throw new IllegalArgumentException(
                        "kafka-properties must not set '"
                                + key
                                + "': the job sets it (use the command-line flag if there is one)");
            }
        }
        this.values = values;
    }

    /** No extra settings. */
    public static KafkaClientProperties none() {
        return new KafkaClientProperties(new Properties());
    }

    /**
     * The given settings (copied).
     *
     * @throws IllegalArgumentException naming a reserved key
     */
    public static KafkaClientProperties of(Properties values) {
        Properties copy = new Properties();
        for (String key : values.stringPropertyNames()) {
            copy.setProperty(key, values.getProperty(key));
        }
        return new KafkaClientProperties(copy);
    }

    /**
     * Reads a Java properties file (UTF-8).
     *
     * @throws IllegalArgumentException when the file cannot be read, or names a reserved key; the
     *     message names the file and the key, never a value
     */
    public static KafkaClientProperties load(Path file) {
        Properties values = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            values.load(in);
        } catch (IOException | IllegalArgumentException e) {
            // Properties.load's own messages name no values ("Malformed \\uxxxx encoding.").
            throw new IllegalArgumentException(
                    "kafka-properties: cannot read "
                            + file
                            + " ("
                            + e.getClass().getSimpleName()
                            + (e instanceof IllegalArgumentException ? ": " + e.getMessage() : "")
                            + ")");
        }
        return new KafkaClientProperties(values);
    }

    /** The key names, sorted: what may be logged. */
    public Set<String> keyNames() {
        return new TreeSet<>(values.stringPropertyNames());
    }

    /** True when no settings were given. */
    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** A fresh copy of the settings, for a client builder. Never log it. */
    public Properties toProperties() {
        Properties copy = new Properties();
        for (String key : values.stringPropertyNames()) {
            copy.setProperty(key, values.getProperty(key));
        }
        return copy;
    }

    /** The key names only; values are never shown. */
    @Override
    public String toString() {
        return "KafkaClientProperties" + keyNames();
    }
}
