package io.contrastream.job.evaluate;

import java.nio.file.Path;

/**
 * Runs the streaming engine over one input file: in {@code contrastream evaluate}, the pipeline of
 * {@code contrastream replay} with the configuration's flags, in process. An interface so that the
 * command line (which owns the flags) supplies it.
 */
@FunctionalInterface
public interface Engine {

    /**
     * Replays {@code input} with {@code config}'s flags and {@code --seed seed}, writing replay's
     * outputs ({@code scores.jsonl}, {@code alerts.jsonl}, {@code dead-letter.jsonl}, {@code
     * models/<model>.safetensors}, ...) into {@code outputDir}; returns when the job has finished.
     */
    void replay(EvaluatedConfig config, long seed, Path input, Path outputDir) throws Exception;
}
