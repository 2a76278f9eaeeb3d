package io.contrastream.job.evaluate;

import io.contrastream.job.cli.ReplayCommand;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.eval.NearestNeighbour;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs an evaluation: for each seed, writes the stream once ({@link ProtocolStream}), measures the
 * raw-feature 1-NN baseline, then for each configuration runs the engine over the stream and
 * measures its outputs ({@link RunMeasurement}). Progress goes to a stream as each run goes: a line
 * when a run starts, one every {@code progressSeconds} while the engine runs (events scored so
 * far), and one with the run's figures when it ends.
 *
 * <p>Files live in {@code workDir/seed-<s>/} ({@code stream.jsonl}, and {@code run-<n>/} with
 * replay's outputs per configuration); unless {@code keep}, each seed's files are deleted once
 * measured, so at most one stream and one run's outputs are on disk at a time.
 */
public final class Evaluation {

    private final EvaluationPlan plan;
    private final List<EvaluatedConfig> configs;
    private final Engine engine;
    private final Path workDir;
    private final boolean keep;
    private final PrintStream progress;
    private final int progressSeconds;

    /**
     * @param configs at least one, with distinct labels
     * @param progress where progress lines go (stderr on the command line)
     * @param progressSeconds seconds between progress lines while the engine runs; 0 for none
     */
    public Evaluation(
            EvaluationPlan plan,
            List<EvaluatedConfig> configs,
            Engine engine,
            Path workDir,
            boolean keep,
            PrintStream progress,
            int progressSeconds) {
        if (configs.isEmpty()) {
            throw new IllegalArgumentException("no configuration to evaluate");
        }
        if (configs.stream().map(EvaluatedConfig::label).distinct().count() != configs.size()) {
            throw new IllegalArgumentException(
                    "--label: two configurations are labelled alike; give another --label");
        }
        this.plan = plan;
        this.configs = List.copyOf(configs);
        this.engine = engine;
        this.workDir = workDir;
        this.keep = keep;
        this.progress = progress;
        this.progressSeconds = progressSeconds;
    }

    /** Runs every configuration over every seed. */
    public EvaluationReport run() throws Exception {
        LabelledRows digits = ProtocolStream.digits();
        List<RunResult> runs = new ArrayList<>();
        List<NearestNeighbour.Result> raw = new ArrayList<>();
        List<ProtocolStream.ProbeBlock> probes = null;
        int total = plan.seeds() * configs.size();
        int done = 0;
        long start = System.nanoTime();
        for (int s = 1; s <= plan.seeds(); s++) {
            Path seedDir = Files.createDirectories(workDir.resolve("seed-" + s));
            Path stream = seedDir.resolve("stream.jsonl");
            ProtocolStream.Layout layout = ProtocolStream.write(digits, plan, s, stream);
            if (probes == null) {
                probes = layout.probes();
            }
            NearestNeighbour.Result rawNn =
                    RunMeasurement.rawNearestNeighbour(layout.train(), layout.test());
            raw.add(rawNn);
            progress.printf(
                    Locale.ROOT,
                    "evaluate: seed %d of %d: stream of %,d events (%,d training pairs, %d probe"
                            + " blocks, %,d test pairs, scenario %s); 1-NN in raw features %.4f%n",
                    s,
                    plan.seeds(),
                    layout.lines(),
                    layout.trainingPairs(),
                    layout.probes().size(),
                    layout.testSame().length,
                    plan.scenario().flag(),
                    rawNn.accuracy());
            for (int c = 0; c < configs.size(); c++) {
                EvaluatedConfig config = configs.get(c);
                Path out = seedDir.resolve("run-" + (c + 1));
                progress.printf(
                        Locale.ROOT,
                        "evaluate: run %d of %d: seed %d, %s ...%n",
                        done + 1,
                        total,
                        s,
                        config.label());
                double wall = replay(config, s, stream, out, layout.lines());
                RunResult r = RunMeasurement.measure(layout, out, config.label(), wall);
                runs.add(r);
                done++;
                progress.printf(
                        Locale.ROOT,
                        "evaluate: run %d of %d: seed %d, %s: ROC-AUC %.4f, accuracy %.4f, 1-NN"
                                + " %.4f, %,d pairs in %.1f s (%.0f s elapsed)%n",
                        done,
                        total,
                        s,
                        config.label(),
                        r.auc(),
                        r.accuracy(),
                        r.nearestNeighbour().accuracy(),
                        r.trainingPairs(),
                        r.wallSeconds(),
                        (System.nanoTime() - start) / 1e9);
                if (!keep) {
                    deleteTree(out);
                }
            }
            if (!keep) {
                deleteTree(seedDir);
            }
        }
        return new EvaluationReport(plan, configs, runs, raw, probes);
    }

    /** Runs the engine, printing progress while it runs; returns its wall seconds. */
    private double replay(EvaluatedConfig config, long seed, Path stream, Path out, int events)
            throws Exception {
        Path scores = out.resolve(ReplayCommand.SCORES_FILE);
        long start = System.nanoTime();
        ScheduledExecutorService ticker = null;
        if (progressSeconds > 0) {
            ticker =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "evaluate-progress");
                                t.setDaemon(true);
                                return t;
                            });
            LineCounter counter = new LineCounter(scores);
            ticker.scheduleAtFixedRate(
                    () -> {
                        long n = counter.lines();
                        progress.printf(
                                Locale.ROOT,
                                "evaluate:   %,d of %,d events scored (%.0f%%) in %.0f s%n",
                                n,
                                events,
                                100.0 * n / events,
                                (System.nanoTime() - start) / 1e9);
                    },
                    progressSeconds,
                    progressSeconds,
                    TimeUnit.SECONDS);
        }
        try {
            engine.replay(config, seed, stream, out);
        } finally {
            if (ticker != null) {
                ticker.shutdownNow();
                ticker.awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Deletes a directory and everything in it (nothing if it does not exist). */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Counts the complete lines of a growing file, reading only what was appended. */
    private static final class LineCounter {
        private final Path file;
        private final ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        private long position;
        private long lines;

        LineCounter(Path file) {
            this.file = file;
        }

        synchronized long lines() {
            if (!Files.exists(file)) {
                return lines;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                channel.position(position);
                int n;
                while ((n = channel.read(buffer.clear())) > 0) {
                    byte[] bytes = buffer.array();
                    for (int k = 0; k < n; k++) {
                        if (bytes[k] == '\n') {
                            lines++;
                        }
                    }
                    position += n;
                }
            } catch (IOException e) {
                // Progress is best effort; the measurement reads the whole file afterwards.
            }
            return lines;
        }
    }
}
