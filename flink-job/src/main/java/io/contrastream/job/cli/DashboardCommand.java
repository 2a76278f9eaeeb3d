package io.contrastream.job.cli;

import io.contrastream.job.dashboard.DashboardFeed;
import io.contrastream.job.dashboard.DashboardServer;
import io.contrastream.job.dashboard.DashboardState;
import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.kafka.KafkaClientProperties;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code contrastream dashboard}: the live dashboard page for a running job, fed from its {@code
 * metrics} and {@code alerts} topics. Serves until interrupted (Ctrl-C).
 */
@Command(
        name = "dashboard",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serves the live dashboard page on 127.0.0.1 for a running job: per model loss,"
                    + " ROC-AUC, mean positive and negative distance, threshold, events/s, alert"
                    + " rate, and the latest alerts.",
            "Reads the job's metrics and alerts topics from their earliest retained records with a"
                    + " read_committed consumer (it commits no offsets). Runs until interrupted."
        })
public final class DashboardCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            description = "Kafka brokers, host:port[,host:port...] (required).")
    String bootstrapServers;

    @Option(
            names = "--format",
            defaultValue = "avro",
            converter = ModelOptions.LowerEnum.WireFormats.class,
            description =
                    "Wire format the job writes: avro or json, as its --format (default:"
                            + " ${DEFAULT-VALUE}).")
    WireFormat format;

    @Option(
            names = "--metrics-topic",
            defaultValue = "metrics",
            description = "Topic of the loss metrics (default: ${DEFAULT-VALUE}).")
    String metricsTopic;

    @Option(
            names = "--alerts-topic",
            defaultValue = "alerts",
            description = "Topic of the alerts (default: ${DEFAULT-VALUE}).")
    String alertsTopic;

    @Option(
            names = "--kafka-properties",
            paramLabel = "FILE",
            description =
                    "Java properties file of extra Kafka client settings (SASL, SSL); values are"
                            + " never logged (default: none).")
    Path kafkaProperties;

    @Option(
            names = "--port",
            defaultValue = "8090",
            description =
                    "Port on 127.0.0.1 to serve the page on; 0 for any free port (default:"
                            + " ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--points",
            defaultValue = "600",
            description =
                    "Metrics windows kept (and drawn) per model; older ones are dropped"
                            + " (default: ${DEFAULT-VALUE}).")
    int points;

    @Override
    public Integer call() throws Exception {
        DashboardState state;
        KafkaClientProperties client;
        try {
            state = new DashboardState(bootstrapServers, points, 50);
            client =
                    kafkaProperties == null
                            ? KafkaClientProperties.none()
                            : KafkaClientProperties.load(kafkaProperties);
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in 0..65535, got " + port);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        try (DashboardServer server = DashboardServer.start(state, port);
                DashboardFeed feed =
                        DashboardFeed.start(
                                bootstrapServers,
                                client.toProperties(),
                                metricsTopic,
                                alertsTopic,
                                format,
                                state)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            System.out.printf(
                    "Dashboard: %s (topics %s and %s on %s, %s); Ctrl-C stops it%n",
                    server.url(),
                    metricsTopic,
                    alertsTopic,
                    bootstrapServers,
                    format.name().toLowerCase(java.util.Locale.ROOT));
            stopped.await();
        }
        return 0;
    }
}
