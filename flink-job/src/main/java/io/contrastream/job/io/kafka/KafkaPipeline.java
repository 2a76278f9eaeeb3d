package io.contrastream.job.io.kafka;

import io.contrastream.job.ContrastreamJob;
import io.contrastream.job.JobSettings;
import io.contrastream.job.model.RawRecord;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The whole Kafka job, as {@code contrastream run} builds it: the pair topic, the topology, and the
 * five output topics. Tests build the same graph through {@link #build}.
 */
public final class KafkaPipeline {

    private KafkaPipeline() {}

    /**
     * Where the job reads and writes.
     *
     * @param bootstrapServers host:port[,host:port...]
     * @param inputTopic the pair topic
     * @param groupId the consumer group
     * @param topics the output topics
     * @param jobName the job's name, part of every sink's transactional id prefix
     * @param client extra client settings for every consumer and producer
     * @param stopAtLatest read up to the offsets latest at start, then finish (tests, demos)
     */
    public record Settings(
            String bootstrapServers,
            String inputTopic,
            String groupId,
            KafkaOutputs.Topics topics,
            String jobName,
            KafkaClientProperties client,
            boolean stopAtLatest) {

        /** Checks the settings, naming the flag at fault. */
        public Settings {
            require(bootstrapServers, "bootstrap-servers");
            require(inputTopic, "input-topic");
            require(groupId, "group-id");
            require(jobName, "job-name");
            if (topics == null || client == null) {
                throw new IllegalArgumentException(
                        "output topics and client settings must be given");
            }
            for (String out : topics.all()) {
                if (out.equals(inputTopic)) {
                    throw new IllegalArgumentException(
                            "input-topic '" + inputTopic + "' is also an output topic");
                }
            }
            if (!jobName.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(
                        "job-name must be letters, digits, '.', '_' or '-' (it names Kafka"
                                + " transactions), got '"
                                + jobName
                                + "'");
            }
        }

        private static void require(String value, String flag) {
            if (value == null || value.isBlank()) {
                throw new IllegalArgumentException(flag + " must not be empty");
            }
        }
    }

    /** Adds the source, the topology and the sinks to {@code env}; returns the outputs. */
    public static ContrastreamJob.Outputs build(
            StreamExecutionEnvironment env, JobSettings job, Settings kafka) {
        DataStream<RawRecord> raw =
                KafkaInput.stream(
                        env,
                        KafkaInput.source(
                                kafka.bootstrapServers(),
                                kafka.inputTopic(),
                                kafka.groupId(),
                                kafka.client(),
                                kafka.stopAtLatest()),
                        kafka.inputTopic());
        ContrastreamJob.Outputs outputs = ContrastreamJob.build(raw, job);
        KafkaOutputs.wire(
                outputs,
                kafka.bootstrapServers(),
                kafka.topics(),
                job.format(),
                kafka.jobName(),
                kafka.client());
        return outputs;
    }
}
