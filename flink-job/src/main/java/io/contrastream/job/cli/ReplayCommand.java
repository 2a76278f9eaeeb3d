package io.contrastream.job.cli;

import io.contrastream.job.ContrastreamJob;
import io.contrastream.job.JobEnvironment;
import io.contrastream.job.JobSettings;
import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.io.file.JsonLinesSink;
import io.contrastream.job.io.file.ModelFilesSink;
import io.contrastream.job.io.file.NumberedLines;
import io.contrastream.job.model.RawRecord;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairScore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code contrastream replay}: the job ({@link ContrastreamJob#build}) over a JSON-lines file of
 * pair events instead of Kafka, in a local Flink environment, writing each output as a JSON-lines
 * file: for backfills, experiments and reproducing a run.
 *
 * <p><b>Order.</b> Each model's events are trained in file order. The file is read by one source
 * subtask (the format is not splittable), and the source and the decoder run at parallelism 1,
 * chained; a single upstream subtask sends its records to a keyed operator in the order it emits
 * them, so each model's key sees its events in file order ({@link ContrastreamJob#build} chains the
 * decoder to its input at the input's parallelism for exactly this reason). Replay builds the
 * trainer at parallelism 1 as well and refuses {@code --parallelism} other than 1: one trainer
 * subtask keeps a replay simple to reason about; spreading models over several is a later step.
 *
 * <p><b>Formats.</b> Input and outputs are always JSON lines ({@code JsonCodec}). {@code --format}
 * may be left out or given as json; {@code --format avro} is refused, since replay reads no Avro.
 *
 * <p><b>End of input.</b> The job runs in STREAMING mode, as under Kafka. When the file ends the
 * source emits the final watermark, which fires each model's end-of-input timer: the metrics of
 * windows still open arrive in {@code metrics.jsonl} before the job finishes.
 *
 * <p><b>Failures.</b> No checkpoints and no restarts ({@code --checkpoint-interval} is ignored):
 * the file sinks are not transactional, so a failure ends the command with its cause and leaves
 * partial outputs, to be replaced by a new run with {@code --overwrite}.
 */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the job over a JSON-lines file of pair events (one PairEvent per line, the JSON"
                    + " format of JsonCodec), each model's events in file order, in a local Flink"
                    + " environment. Writes scores.jsonl, metrics.jsonl, alerts.jsonl and"
                    + " dead-letter.jsonl into the output directory: for backfills, experiments and"
                    + " reproducing a run.",
            "Input and outputs are JSON lines whatever --format says (--format avro is refused)."
                    + " Runs at parallelism 1, without checkpoints or restarts"
                    + " (--checkpoint-interval is ignored); a failed run leaves partial outputs."
        })
public final class ReplayCommand implements Callable<Integer> {

    /** The scores output, in the output directory. */
    public static final String SCORES_FILE = "scores.jsonl";

    /** The loss-metrics output. */
    public static final String METRICS_FILE = "metrics.jsonl";

    /** The alerts output. */
    public static final String ALERTS_FILE = "alerts.jsonl";

    /** The dead-letter output. */
    public static final String DEAD_LETTERS_FILE = "dead-letter.jsonl";

    /**
     * The model files: {@code <model>.safetensors} (the final model) and {@code
     * <model>-v<version>.safetensors} (every {@code --snapshot-every} updates, and the final one).
     */
    public static final String MODELS_DIR = "models";

    /** The four outputs, in the order the summary lists them. */
    public static final List<String> OUTPUT_FILES =
            List.of(SCORES_FILE, DEAD_LETTERS_FILE, METRICS_FILE, ALERTS_FILE);

    /** Operator id of the file source (savepoints map state by it). */
    public static final String SOURCE_UID = "replay-file-source";

    /** Passed to JobEnvironment, then removed: replay takes no checkpoints. */
    private static final long UNUSED_CHECKPOINT_INTERVAL_MS = 60_000;

    @Mixin ModelOptions model;

    @Spec CommandSpec spec;

    @Option(
            names = "--input",
            required = true,
            paramLabel = "FILE",
            description =
                    "JSON-lines file of pair events, one PairEvent per line; blank lines are"
                            + " skipped, other lines are scored or dead-lettered with their line"
                            + " number.")
    Path input;

    @Option(
            names = "--output-dir",
            required = true,
            paramLabel = "DIR",
            description =
                    "Directory for scores.jsonl, metrics.jsonl, alerts.jsonl and"
                            + " dead-letter.jsonl; created if missing.")
    Path outputDir;

    @Option(
            names = "--overwrite",
            defaultValue = "false",
            description =
                    "Replace output files that exist and are not empty (default: ${DEFAULT-VALUE}).")
    boolean overwrite;

    @Option(
            names = "--progress-every",
            defaultValue = "2",
            paramLabel = "SECONDS",
            description =
                    "Seconds between progress lines on stderr; 0 for none (default: ${DEFAULT-VALUE}).")
    int progressEvery;

    @Override
    public Integer call() throws Exception {
        PrintStream err = System.err;
        JobSettings settings = checkSettings();
        List<Path> outputs = prepareOutputs();
        long records = countRecords(input);

        long start = System.nanoTime();
        OutputTally tally = new OutputTally(outputs);
        ScheduledExecutorService progress = null;
        if (progressEvery > 0) {
            progress =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "replay-progress");
                                t.setDaemon(true);
                                return t;
                            });
            progress.scheduleAtFixedRate(
                    () -> err.println(tally.progressLine(records, start)),
                    progressEvery,
                    progressEvery,
                    TimeUnit.SECONDS);
        }
        err.printf("replay: %,d records in %s -> %s%n", records, input, outputDir.toAbsolutePath());
        // Local when run from the command line; the context's when one is set (a test's
        // MiniCluster, or a client such as `flink run`), since Flink refuses a second local one.
        StreamExecutionEnvironment env = JobEnvironment.create(configuration(model.stateBackend));
        buildPipeline(env, input, outputDir, settings);
        try {
            env.execute("contrastream replay " + input.getFileName());
        } catch (Exception e) {
            err.printf(
                    "replay: failed after %.1f s; the outputs in %s are incomplete: %s%n",
                    seconds(start), outputDir.toAbsolutePath(), rootMessage(e));
            throw e;
        } finally {
            if (progress != null) {
                progress.shutdownNow();
            }
        }
        double seconds = seconds(start);
        long[] counts = tally.poll();
        err.printf(
                "replay: done in %.1f s, %,d records (%,.0f records/s)%n",
                seconds, records, records / Math.max(seconds, 1e-9));
        String[] names = {"scores", "dead letters", "metrics", "alerts"};
        for (int i = 0; i < names.length; i++) {
            err.printf("  %-12s %,12d  %s%n", names[i], counts[i], outputs.get(i));
        }
        err.printf(
                "  %-12s %12s  %s%n", "models", "", outputDir.resolve(MODELS_DIR).toAbsolutePath());
        if (counts[0] + counts[1] != records) {
            err.printf(
                    "replay: WARNING: %,d scores + %,d dead letters != %,d records read%n",
                    counts[0], counts[1], records);
        }
        return 0;
    }

    /**
     * Adds what {@code replay} runs to {@code env}: the file source (parallelism 1), the job, and a
     * {@link JsonLinesSink} per output into {@code outputDir}, each at parallelism 1. The source,
     * decoder and trainer are built at parallelism 1 whatever the environment's parallelism (see
     * the class comment for why); the environment's parallelism is left as it was.
     *
     * @param settings the job settings; their format must be JSON
     * @return the job's output streams (already connected to their sinks)
     * @throws IllegalArgumentException if the settings' format is not JSON
     */
    public static ContrastreamJob.Outputs buildPipeline(
            StreamExecutionEnvironment env, Path input, Path outputDir, JobSettings settings) {
        if (settings.format() != WireFormat.JSON) {
            throw new IllegalArgumentException(
                    "replay reads JSON lines: the format must be json, got " + settings.format());
        }
        FileSource<RawRecord> source =
                FileSource.forRecordStreamFormat(
                                new NumberedLines(),
                                new org.apache.flink.core.fs.Path(input.toAbsolutePath().toUri()))
                        .build();
        int parallelism = env.getParallelism();
        env.setParallelism(1);
        try {
            DataStream<RawRecord> raw =
                    env.fromSource(
                                    source,
                                    WatermarkStrategy.noWatermarks(),
                                    "file " + input.getFileName())
                            .uid(SOURCE_UID)
                            .setParallelism(1);
            ContrastreamJob.Outputs out = ContrastreamJob.build(raw, settings);
            out.scores()
                    .sinkTo(new JsonLinesSink<>(outputDir.resolve(SCORES_FILE), PairScore.class))
                    .uid("replay-scores-file")
                    .name(SCORES_FILE)
                    .setParallelism(1);
            out.metrics()
                    .sinkTo(new JsonLinesSink<>(outputDir.resolve(METRICS_FILE), LossMetrics.class))
                    .uid("replay-metrics-file")
                    .name(METRICS_FILE)
                    .setParallelism(1);
            out.alerts()
                    .sinkTo(new JsonLinesSink<>(outputDir.resolve(ALERTS_FILE), ChangeAlert.class))
                    .uid("replay-alerts-file")
                    .name(ALERTS_FILE)
                    .setParallelism(1);
            out.deadLetters()
                    .sinkTo(
                            new JsonLinesSink<>(
                                    outputDir.resolve(DEAD_LETTERS_FILE), DeadLetter.class))
                    .uid("replay-dead-letter-file")
                    .name(DEAD_LETTERS_FILE)
                    .setParallelism(1);
            out.models()
                    .sinkTo(new ModelFilesSink(outputDir.resolve(MODELS_DIR)))
                    .uid("replay-model-files")
                    .name(MODELS_DIR)
                    .setParallelism(1);
            return out;
        } finally {
            env.setParallelism(parallelism);
        }
    }

    /**
     * The local environment's configuration for replay: the job's ({@link
     * JobEnvironment#configuration}) at parallelism 1, in STREAMING mode, without checkpoints and
     * without restarts (see the class comment).
     *
     * @param stateBackend "hashmap" or "rocksdb"
     */
    public static Configuration configuration(String stateBackend) {
        Configuration conf =
                JobEnvironment.configuration(1, UNUSED_CHECKPOINT_INTERVAL_MS, stateBackend, null);
        conf.removeConfig(CheckpointingOptions.CHECKPOINTING_INTERVAL);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
        return conf;
    }

    /** Checks every flag; a bad one becomes a ParameterException (exit code 2) naming it. */
    JobSettings checkSettings() {
        if (spec.commandLine().getParseResult().hasMatchedOption("--format")
                && model.format != WireFormat.JSON) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--format "
                            + model.format.name().toLowerCase(java.util.Locale.ROOT)
                            + ": replay reads and writes JSON lines only; leave --format out or"
                            + " give --format json");
        }
        if (model.parallelism != 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--parallelism "
                            + model.parallelism
                            + ": replay runs at parallelism 1, so that each model's events are"
                            + " trained in file order");
        }
        if (progressEvery < 0) {
            throw new ParameterException(
                    spec.commandLine(), "progress-every must be >= 0, got " + progressEvery);
        }
        if (!Files.exists(input)) {
            throw new ParameterException(spec.commandLine(), "--input: no such file: " + input);
        }
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new ParameterException(
                    spec.commandLine(), "--input: not a readable file: " + input);
        }
        try {
            model.checkJobFlags();
            return new JobSettings(
                    model.trainer(),
                    WireFormat.JSON,
                    model.maxFeatures,
                    model.maxEventTimeAhead,
                    SourceInfo.file(input.toAbsolutePath().toString()),
                    model.chainTrainer);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * Creates the output directory, refuses to replace non-empty outputs without {@code
     * --overwrite}, and removes the old outputs (so progress counts only this run's lines).
     */
    List<Path> prepareOutputs() {
        if (Files.exists(outputDir) && !Files.isDirectory(outputDir)) {
            throw new ParameterException(
                    spec.commandLine(), "--output-dir: not a directory: " + outputDir);
        }
        try {
            Files.createDirectories(outputDir);
            List<Path> outputs = new ArrayList<>();
            List<String> nonEmpty = new ArrayList<>();
            for (String name : OUTPUT_FILES) {
                Path file = outputDir.resolve(name).toAbsolutePath();
                if (Files.exists(file) && Files.isSameFile(file, input)) {
                    throw new ParameterException(
                            spec.commandLine(),
                            "--input " + input + " is also an output file; choose another DIR");
                }
                if (Files.exists(file) && Files.size(file) > 0) {
                    nonEmpty.add(name);
                }
                outputs.add(file);
            }
            if (!nonEmpty.isEmpty() && !overwrite) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--output-dir "
                                + outputDir
                                + " already holds "
                                + String.join(", ", nonEmpty)
                                + "; give --overwrite to replace them");
            }
            for (Path file : outputs) {
                Files.deleteIfExists(file);
            }
            Path models = outputDir.resolve(MODELS_DIR);
            if (Files.isDirectory(models)) {
                try (var old = Files.list(models)) {
                    for (Path f :
                            old.filter(f -> f.toString().endsWith(ModelFilesSink.SUFFIX))
                                    .toList()) {
                        if (!overwrite) {
                            throw new ParameterException(
                                    spec.commandLine(),
                                    "--output-dir "
                                            + outputDir
                                            + " already holds model files in "
                                            + MODELS_DIR
                                            + "/; give --overwrite to replace them");
                        }
                        Files.delete(f);
                    }
                }
            }
            return outputs;
        } catch (IOException e) {
            throw new ParameterException(
                    spec.commandLine(), "--output-dir " + outputDir + ": " + e, e);
        }
    }

    /** Records in {@code file}, counted with the source's own line reader. */
    static long countRecords(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                NumberedLines.Reader reader =
                        new NumberedLines.Reader(in, NumberedLines.DEFAULT_MAX_LINE_BYTES)) {
            long n = 0;
            while (reader.read() != null) {
                n++;
            }
            return n;
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /**
     * Counts the complete lines of the output files as they grow, by reading only what was appended
     * since the last poll (newlines inside JSON strings are escaped, so each {@code \n} ends a
     * record).
     */
    static final class OutputTally {
        private final List<Path> files;
        private final long[] positions;
        private final long[] lines;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);

        OutputTally(List<Path> files) {
            this.files = files;
            this.positions = new long[files.size()];
            this.lines = new long[files.size()];
        }

        /** Lines per file, in the order given, counted up to now. */
        synchronized long[] poll() {
            for (int i = 0; i < files.size(); i++) {
                if (!Files.exists(files.get(i))) {
                    continue;
                }
                try (FileChannel channel =
                        FileChannel.open(files.get(i), StandardOpenOption.READ)) {
                    channel.position(positions[i]);
                    int n;
                    while ((n = channel.read(buffer.clear())) > 0) {
                        byte[] bytes = buffer.array();
                        for (int k = 0; k < n; k++) {
                            if (bytes[k] == '\n') {
                                lines[i]++;
                            }
                        }
                        positions[i] += n;
                    }
                } catch (IOException e) {
                    // Progress is best effort; the summary polls again after the job.
                }
            }
            return lines.clone();
        }

        String progressLine(long records, long start) {
            long[] c = poll();
            long done = c[0] + c[1];
            return String.format(
                    "replay: %,d of %,d records (%.0f%%) in %.0f s: %,d scores, %,d dead letters,"
                            + " %,d metrics, %,d alerts",
                    done,
                    records,
                    records == 0 ? 100.0 : 100.0 * done / records,
                    seconds(start),
                    c[0],
                    c[1],
                    c[2],
                    c[3]);
        }
    }
}
