package io.contrastream.job.cli;

import io.contrastream.job.JobEnvironment;
import io.contrastream.job.JobSettings;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.io.kafka.KafkaClientProperties;
import io.contrastream.job.io.kafka.KafkaOutputs;
import io.contrastream.job.io.kafka.KafkaPipeline;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code contrastream run}: the engine on Kafka. Reads pair events from a topic, trains one model
 * per model name, and writes scores, metrics, alerts, dead letters and model files to five topics,
 * exactly once (Kafka transactions committed at each checkpoint). Locally it runs in an embedded
 * Flink; inside a cluster (the shaded jar submitted to Flink) it runs there.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the engine on Kafka: pair events in, scores, loss metrics, alerts, dead"
                    + " letters and model files out, exactly once.",
            "Output records become visible to read_committed consumers when the checkpoint that"
                    + " covers them completes."
        })
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin ModelOptions model;

    @Option(
            names = "--bootstrap-servers",
            required = true,
            description = "Kafka brokers, host:port[,host:port...] (required).")
    String bootstrapServers;

    @Option(
            names = "--input-topic",
            defaultValue = "pairs",
            description = "Topic of the pair events (default: ${DEFAULT-VALUE}).")
    String inputTopic;

    @Option(
            names = "--scores-topic",
            defaultValue = "scores",
            description = "Topic of the pair scores (default: ${DEFAULT-VALUE}).")
    String scoresTopic;

    @Option(
            names = "--metrics-topic",
            defaultValue = "metrics",
            description = "Topic of the loss metrics (default: ${DEFAULT-VALUE}).")
    String metricsTopic;

    @Option(
            names = "--alerts-topic",
            defaultValue = "alerts",
            description =
                    "Topic of the change, duplicate and drift alerts (default: ${DEFAULT-VALUE}).")
    String alertsTopic;

    @Option(
            names = "--dead-letter-topic",
            defaultValue = "pairs-dlq",
            description = "Topic of the refused input records (default: ${DEFAULT-VALUE}).")
    String deadLetterTopic;

    @Option(
            names = "--models-topic",
            defaultValue = "models",
            description =
                    "Topic of the model files (safetensors; key the model name, header"
                            + " contrastream.version), every --snapshot-every updates of a model"
                            + " and at the end of a bounded input. A file is 4 bytes per parameter"
                            + " plus under 1 KiB (linear 64 -> 32: 8.7 KB); a broker refuses"
                            + " records above about 1 MB by default, so for larger models create"
                            + " this topic with a larger max.message.bytes, or the job fails when"
                            + " it writes one (default: ${DEFAULT-VALUE}).")
    String modelsTopic;

    @Option(
            names = "--group-id",
            defaultValue = "contrastream",
            description =
                    "Consumer group; a new job starts from its committed offsets, else from the"
                            + " earliest (default: ${DEFAULT-VALUE}).")
    String groupId;

    @Option(
            names = "--kafka-properties",
            paramLabel = "FILE",
            description =
                    "Java properties file of extra Kafka client settings (SASL, SSL) for every"
                            + " consumer and producer; values are never logged (default: none).")
    Path kafkaProperties;

    @Option(
            names = "--job-name",
            defaultValue = "contrastream",
            description =
                    "Name of the Flink job; also names its Kafka transactions, so two jobs"
                            + " running at once need different names (default: ${DEFAULT-VALUE}).")
    String jobName;

    @Option(
            names = "--checkpoint-dir",
            description =
                    "Where checkpoints go (a path or URI); when not given, they stay in the"
                            + " JobManager's memory.")
    String checkpointDir;

    @Option(
            names = "--stop-at-latest",
            defaultValue = "false",
            description =
                    "Read the input up to the offsets latest at start, then finish: a bounded run"
                            + " for tests and demos (default: ${DEFAULT-VALUE}).")
    boolean stopAtLatest;

    @Override
    public Integer call() throws Exception {
        JobSettings job;
        KafkaPipeline.Settings kafka;
        try {
            model.checkJobFlags();
            job = model.settings(SourceInfo.kafka(inputTopic));
            KafkaClientProperties client =
                    kafkaProperties == null
                            ? KafkaClientProperties.none()
                            : KafkaClientProperties.load(kafkaProperties);
            kafka =
                    new KafkaPipeline.Settings(
                            bootstrapServers,
                            inputTopic,
                            groupId,
                            new KafkaOutputs.Topics(
                                    scoresTopic,
                                    metricsTopic,
                                    alertsTopic,
                                    deadLetterTopic,
                                    modelsTopic),
                            jobName,
                            client,
                            stopAtLatest);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (kafkaProperties != null) {
            // Key names only: the values may be secrets.
            LOG.info(
                    "Kafka client settings from {}: keys {}",
                    kafkaProperties,
                    kafka.client().keyNames());
        }
        Configuration conf =
                JobEnvironment.configuration(
                        model.parallelism,
                        model.checkpointInterval,
                        model.stateBackend,
                        checkpointDir);
        StreamExecutionEnvironment env = JobEnvironment.create(conf);
        KafkaPipeline.build(env, job, kafka);
        env.execute(jobName);
        return 0;
    }
}
