package io.contrastream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * One command for the kernel table of the README: runs {@link PeakBenchmark} (the machine's
 * ceilings) and {@link LearnBenchmark} (pairs per second, scalar and vector kernels), then prints
 * the ceilings, and per configuration the measured rates, the target, the flops and bytes
 * one pair costs, and the roofline bound those imply on this machine.
 *
 * <p>Run (about 8 minutes; {@code --quick} takes about 3 with fewer and shorter iterations):
 *
 * <pre>
 * mvn -B -q -DskipTests package -pl loss-core,benchmarks -am
 * java -cp benchmarks/target/benchmarks.jar io.contrastream.bench.KernelTable
 * </pre>
 *
 * <p>The flops and bytes per pair are counted from the kernels' loops (see {@link #costs}): the
 * passes over parameter-sized arrays only (the per-pair work of calibrator, drift detector and
 * metrics window is a few hundred flops and not counted). Bytes are split into read-only passes and
 * read-write passes, each timed against the matching measured bandwidth of the cache level the
 * working set fits in; flops are timed against the measured ceiling of their arithmetic form (the
 * fused kernels' sixteen-lane float FMA dots, the encoders' exact double dots, each bit-identical
 * to the scalar loops, and separate multiply and add for element-wise passes, half the FMA peak).
 * The bound is {@code 1 / max(compute, read / readBW + rw / updateBW)}.
 */
public final class KernelTable {

    private KernelTable() {}

    /** Flops and bytes per pair of one configuration, and the bytes its working set occupies. */
    record Cost(
            double matVecFlops,
            double dotFlops,
            double elementFlops,
            double readBytes,
            double updateBytes,
            double workingSetBytes) {
        double flops() {
            return matVecFlops + dotFlops + elementFlops;
        }

        /**
         * The cache level the working set fits: 0 L1, 1 L2, 2 L3, 3 memory (this machine: 32 KiB
         * L1d and 1 MiB L2 per core, 35.75 MiB L3 shared).
         */
        int level() {
            double set = workingSetBytes;
            return set <= 32 * 1024 ? 0 : set <= 1 << 20 ? 1 : set <= 16 << 20 ? 2 : 3;
        }

        /**
         * Seconds per pair at the given rates (flops per second): the sixteen-lane FMA dots, the
         * exact double dots, and the element-wise operations at half the FMA peak (they multiply
         * and add separately in the plain form: two operations for two flops per lane).
         */
        double computeSeconds(double fmaDotRate, double exactDotRate, double fmaPeak) {
            return matVecFlops / fmaDotRate
                    + dotFlops / exactDotRate
                    + elementFlops / (fmaPeak / 2);
        }

        /** Seconds per pair at the level's read and read+write bandwidths (bytes per second). */
        double memorySeconds(double readBandwidth, double updateBandwidth) {
            return readBytes / readBandwidth + updateBytes / updateBandwidth;
        }
    }

    /** The targets, pairs per second, for any optimiser. */
    /**
     * {@link PeakBenchmark}'s working-set sizes in bytes: L1, L2, L3, memory (here, not there: this
     * class runs without the vector module, and reading an array from that class would initialise
     * it).
     */
    static final int[] LEVEL_BYTES = {16384, 524288, 8388608, 268435456};

    /**
     * Bytes moved by one {@link PeakBenchmark#update} call at working set {@code size}: it reads
     * two halves and writes one.
     */
    static double updateBytes(int size) {
        return 1.5 * size;
    }

    static final Map<String, Double> TARGETS =
            Map.of(
                    "linear:64:0:32", 2_000_000.0,
                    "linear:784:0:128", 60_000.0,
                    "mlp:64:256:32", 150_000.0);

    /**
     * Per-pair costs. Linear {@code in -> out}, {@code N = in out} weights, {@code P = N + out}
     * parameters, fused path: {@code e = W delta} (2N flops); SGD's update {@code W += a delta^T}
     * (2N flops) is applied in the same pass as the next pair's {@code e}, so a pair reads and
     * writes W once (4N bytes each) and every flop is a sixteen-lane fused multiply-add; other
     * rules read W for {@code e} (4N bytes), write the gradient (N flops, 4N bytes) and step all P
     * parameters (Adam: reads g, reads and writes p, m, v; about 14 operations each, counting a
     * square root and a division as one). MLP {@code in -> h -> out}, {@code A = h in}, {@code B =
     * out h}: under SGD the fused path ({@code MlpEuclideanKernel}) reads and writes {@code W1}
     * once (its panel copy: the previous pair's rank-2 update, 4A flops, and both hidden layers, 4A
     * flops), reads and writes {@code W2} once (the previous update and {@code e = W2 u}, 4B) and
     * reads it once more for {@code v = W2^T e} (2B), all sixteen-lane FMAs; the gradient's norm is
     * seven exact-double dots over hidden- and input-sized vectors, and {@code b1} is stepped
     * element-wise. Under Adam the general path: two forward passes over both layers; per item
     * backward, the layer-2 gradient row update and {@code W2^T g}, and the layer-1 gradient rows
     * of the active hidden units (counted as half of them, as at initialisation); then the
     * gradient's fill and norm passes and the step.
     */
    static Cost costs(String model, String optimizer) {
        String[] parts = model.split(":");
        double in = Double.parseDouble(parts[1]);
        double h = Double.parseDouble(parts[2]);
        double out = Double.parseDouble(parts[3]);
        boolean adam = optimizer.equals("ADAM");
        if (parts[0].equals("linear")) {
            double n = in * out;
            double p = n + out;
            if (!adam) {
                return new Cost(4 * n, 0, 0, 0, 8 * n, 4 * p);
            }
            return new Cost(2 * n, 0, n + 14 * p, 4 * n + 4 * p, 4 * n + 24 * p, 4 * p * 4);
        }
        double a = h * in;
        double b = out * h;
        double p = a + h + b + out;
        if (!adam) {
            return new Cost(
                    8 * a + 6 * b,
                    2 * (4 * h + 3 * in),
                    2 * h,
                    4 * b,
                    8 * a + 8 * b + 8 * h,
                    4 * (p + a));
        }
        // Forward dots and the gradient norm are exact-double dots; the rest is element-wise.
        double dots = 2 * 2 * (a + b) + 2 * p;
        double elements = 2 * (4 * b + a);
        double read = 2 * 4 * (a + b) + 2 * 4 * b + 4 * p;
        double update = 2 * (8 * b + 4 * a) + 4 * p;
        elements += 14 * p;
        read += 4 * p;
        update += 24 * p;
        return new Cost(0, dots, elements, read, update, 4 * p * 4);
    }

    public static void main(String[] args) throws RunnerException, IOException {
        boolean quick = args.length > 0 && args[0].equals("--quick");
        ChainedOptionsBuilder options =
                new OptionsBuilder()
                        .include("\\.PeakBenchmark\\.")
                        .include("\\.LearnBenchmark\\.")
                        .shouldFailOnError(true);
        if (quick) {
            options.warmupIterations(2)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(3)
                    .measurementTime(TimeValue.seconds(1));
        }
        Collection<RunResult> results = new Runner(options.build()).run();

        Map<String, double[]> peak = new HashMap<>();
        Map<String, double[]> learn = new HashMap<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            double[] score = {
                r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()
            };
            if (name.contains("PeakBenchmark")) {
                String op = name.substring(name.lastIndexOf('.') + 1);
                peak.put(op + ":" + r.getParams().getParam("size"), score);
            } else {
                learn.put(
                        r.getParams().getParam("model")
                                + "/"
                                + r.getParams().getParam("optimizer")
                                + "/"
                                + r.getParams().getParam("kernels"),
                        score);
            }
        }

        double flopPeak = peak.get("fma:16384")[0] * PeakBenchmark.FMA_FLOPS;
        double fmaDotPeak = peak.get("fmaDot:16384")[0] * PeakBenchmark.DOT_FLOPS;
        double exactDotPeak = peak.get("exactDot:16384")[0] * PeakBenchmark.DOT_FLOPS;
        int[] levels = LEVEL_BYTES;
        String[] levelNames = {"L1 (16 KiB)", "L2 (512 KiB)", "L3 (8 MiB)", "memory (256 MiB)"};
        double[] readBw = new double[levels.length];
        double[] updateBw = new double[levels.length];
        for (int i = 0; i < levels.length; i++) {
            readBw[i] = peak.get("read:" + levels[i])[0] * levels[i];
            updateBw[i] = peak.get("update:" + levels[i])[0] * updateBytes(levels[i]);
        }

        StringBuilder t = new StringBuilder();
        t.append(
                String.format(
                        Locale.ROOT,
                        "%nMachine: %s, %d CPUs, Java %s; %s; load average %s%n",
                        cpuModel(),
                        Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"),
                        Instant.now().toString().substring(0, 16) + "Z",
                        loadAverage()));
        t.append(
                String.format(
                        Locale.ROOT,
                        "%nCeilings, one thread: float FMA %.1f GFLOP/s (16-lane FMA, %d chains);"
                                + " the fused kernels' sixteen-lane FMA dots %.1f GFLOP/s and"
                                + " exact double dots %.1f GFLOP/s (L1-resident, vectorised)%n%n",
                        flopPeak / 1e9,
                        PeakBenchmark.FMA_CHAINS,
                        fmaDotPeak / 1e9,
                        exactDotPeak / 1e9));
        t.append("| working set | read GB/s | read+write GB/s |\n|---|---|---|\n");
        for (int i = 0; i < levels.length; i++) {
            t.append(
                    String.format(
                            Locale.ROOT,
                            "| %s | %.1f | %.1f |%n",
                            levelNames[i],
                            readBw[i] / 1e9,
                            updateBw[i] / 1e9));
        }
        t.append(
                "\n| model | optimiser | scalar pairs/s | vector pairs/s | vector / scalar |"
                        + " target | flops / pair | bytes / pair (read + rw) | level |"
                        + " roofline pairs/s (bound by) | vector / roofline |\n"
                        + "|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String model : new String[] {"linear:64:0:32", "linear:784:0:128", "mlp:64:256:32"}) {
            for (String rule : new String[] {"SGD", "ADAM"}) {
                double[] scalar = learn.get(model + "/" + rule + "/scalar");
                double[] vector = learn.get(model + "/" + rule + "/vector");
                Cost c = costs(model, rule);
                int level = c.level();
                double compute = c.computeSeconds(fmaDotPeak, exactDotPeak, flopPeak);
                double memory = c.memorySeconds(readBw[level], updateBw[level]);
                double roofline = 1 / Math.max(compute, memory);
                t.append(
                        String.format(
                                Locale.ROOT,
                                "| %s | %s | %,.0f +- %,.0f | %,.0f +- %,.0f | %.1fx | %,.0f |"
                                        + " %,.0f | %,.0f + %,.0f | %s | %,.0f (%s) | %.0f %% |%n",
                                model.replace(":0:", "->").replace(':', '-'),
                                rule,
                                scalar[0],
                                scalar[1],
                                vector[0],
                                vector[1],
                                vector[0] / scalar[0],
                                TARGETS.get(model),
                                c.flops(),
                                c.readBytes(),
                                c.updateBytes(),
                                levelNames[level].substring(0, levelNames[level].indexOf(' ')),
                                roofline,
                                compute > memory ? "compute" : "bandwidth",
                                100 * vector[0] / roofline));
            }
        }
        System.out.println(t);
    }

    private static String cpuModel() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch");
    }

    private static String loadAverage() throws IOException {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " " + fields[1] + " " + fields[2];
    }
}
