package io.contrastream.job;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The execution settings every Contrastream job runs with: checkpoints exactly once, the chosen
 * state backend, exponential-delay restarts, and no generic types (so nothing can fall back to Kryo
 * unnoticed: a type without an explicit serializer fails the job at build time).
 */
public final class JobEnvironment {

    private JobEnvironment() {}

    /**
     * The configuration for a job.
     *
     * @param stateBackend "hashmap" or "rocksdb"
     * @param checkpointDir where checkpoints go (a file: URI or path), or null for the default
     */
    public static Configuration configuration(
            int parallelism, long checkpointIntervalMs, String stateBackend, String checkpointDir) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        conf.set(
                CheckpointingOptions.CHECKPOINTING_INTERVAL,
                Duration.ofMillis(checkpointIntervalMs));
        conf.set(
                CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                CheckpointingMode.EXACTLY_ONCE);
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        if (checkpointDir != null) {
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
        }
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
                Duration.ofMillis(200));
        conf.set(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF,
                Duration.ofSeconds(10));
        conf.set(org.apache.flink.configuration.CoreOptions.DEFAULT_PARALLELISM, parallelism);
        return conf;
    }

    /** An environment (local, or the cluster's when submitted) with {@link #configuration}. */
    public static StreamExecutionEnvironment create(Configuration conf) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.configure(conf);
        return env;
    }
}
