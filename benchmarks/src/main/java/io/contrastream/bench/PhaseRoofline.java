package io.contrastream.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/**
 * The learn rate of one model under SGD and its roofline, measured in the same turns: each round
 * runs {@link LearnWorkload} for a quarter of a CPU-second, then the ceilings {@link KernelTable}
 * builds its roofline from ({@link PeakBenchmark}'s FMA, sixteen-lane FMA dot and exact double dot
 * rates in L1, and the read and read+write bandwidths at the model's cache level) for a few
 * hundredths each, and divides the rate by the roofline of that round ({@link KernelTable.Cost}).
 * This 2-vCPU VM has slow and fast phases minutes long that move every figure alike; a rate
 * compared with a roofline measured minutes apart (as in {@link KernelTable}'s table) mixes phases,
 * one measured in the same round does not.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.contrastream.bench.PhaseRoofline mlp:64:256:32 40
 * </pre>
 *
 * <p>Prints the rounds' medians (rate, roofline, rate / roofline, with quartiles) for all rounds
 * and for the halves with the lower and the higher rooflines (the slow and the fast phase), the
 * target, and in how many rounds the rate and the roofline reached it.
 */
public final class PhaseRoofline {

    private PhaseRoofline() {}

    static final String USAGE =
            "usage: PhaseRoofline [encoder:input:hidden:embedding [rounds]]\n"
                    + "  Learns pairs of the model under SGD (vector kernels: run with --add-modules"
                    + " jdk.incubator.vector)\n"
                    + "  and measures the ceilings of its roofline in the same rounds; default"
                    + " mlp:64:256:32, 40 rounds\n"
                    + "  (about 0.6 CPU-seconds each). Models: linear:64:0:32, linear:784:0:128,"
                    + " mlp:64:256:32, or any\n"
                    + "  linear:IN:0:OUT / mlp:IN:HIDDEN:OUT.";

    private static final ThreadMXBean CLOCK = ManagementFactory.getThreadMXBean();

    /** CPU time per round: the learn turn, and each ceiling's turn. */
    private static final long LEARN_NANOS = 250_000_000L;

    private static final long PROBE_NANOS = 60_000_000L;

    /** Every probe's result is added here (a static field's writes stay observable). */
    private static double sink;

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        String model = args.length > 0 ? args[0] : "mlp:64:256:32";
        int rounds;
        KernelTable.Cost cost;
        LearnWorkload workload;
        try {
            rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
            if (rounds < 4) {
                throw new IllegalArgumentException("rounds must be at least 4, got " + rounds);
            }
            // The workload first: it names what is wrong with a malformed model.
            workload = new LearnWorkload(model, "SGD");
            cost = KernelTable.costs(model, "SGD");
        } catch (RuntimeException e) {
            System.err.println("PhaseRoofline: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        PeakBenchmark l1 = peak(KernelTable.LEVEL_BYTES[0]);
        int levelSize = KernelTable.LEVEL_BYTES[cost.level()];
        PeakBenchmark level = peak(levelSize);
        // The ceilings in the order computeSeconds and memorySeconds read them, and each probe's
        // work per call (flops, or bytes at the level).
        DoubleSupplier[] probes = {l1::fma, l1::fmaDot, l1::exactDot, level::read, level::update};
        double[] perCall = {
            PeakBenchmark.FMA_FLOPS,
            PeakBenchmark.DOT_FLOPS,
            PeakBenchmark.DOT_FLOPS,
            levelSize,
            KernelTable.updateBytes(levelSize)
        };
        // Warm-up: every probe and the workload compiled before the first round.
        for (int w = 0; w < 8; w++) {
            workload.rate(LEARN_NANOS);
            for (DoubleSupplier probe : probes) {
                rate(probe, PROBE_NANOS);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %s SGD, %d rounds (learn %.2f CPU-s, each ceiling %.2f), level %d, %s%n",
                Instant.now(),
                model,
                rounds,
                LEARN_NANOS / 1e9,
                PROBE_NANOS / 1e9,
                cost.level(),
                System.getProperty("java.version"));
        double[] rates = new double[rounds];
        double[] rooflines = new double[rounds];
        double[] ceiling = new double[probes.length];
        for (int r = 0; r < rounds; r++) {
            boolean learnFirst = (r & 1) == 0;
            if (learnFirst) {
                rates[r] = workload.rate(LEARN_NANOS);
            }
            for (int k = 0; k < probes.length; k++) {
                ceiling[k] = rate(probes[k], PROBE_NANOS) * perCall[k];
            }
            if (!learnFirst) {
                rates[r] = workload.rate(LEARN_NANOS);
            }
            double compute = cost.computeSeconds(ceiling[1], ceiling[2], ceiling[0]);
            double memory = cost.memorySeconds(ceiling[3], ceiling[4]);
            rooflines[r] = 1 / Math.max(compute, memory);
            if ((r + 1) % 10 == 0) {
                System.out.printf("  %d of %d rounds%n", r + 1, rounds);
            }
        }
        double target = KernelTable.TARGETS.getOrDefault(model, Double.NaN);
        Integer[] order = new Integer[rounds];
        for (int r = 0; r < rounds; r++) {
            order[r] = r;
        }
        Arrays.sort(order, (a, b) -> Double.compare(rooflines[a], rooflines[b]));
        int half = rounds / 2;
        report("all rounds", order, 0, rounds, rates, rooflines, target);
        report("slow half (lower rooflines)", order, 0, half, rates, rooflines, target);
        report(
                "fast half (higher rooflines)",
                order,
                rounds - half,
                rounds,
                rates,
                rooflines,
                target);
    }

    private static PeakBenchmark peak(int size) {
        PeakBenchmark p = new PeakBenchmark();
        p.size = size;
        p.setUp();
        return p;
    }

    /** Calls of {@code probe} per CPU-second over at least {@code cpuNanos}. */
    private static double rate(DoubleSupplier probe, long cpuNanos) {
        long start = CLOCK.getCurrentThreadCpuTime();
        long calls = 0;
        long now;
        do {
            for (int q = 0; q < 16; q++) {
                sink += probe.getAsDouble();
            }
            calls += 16;
            now = CLOCK.getCurrentThreadCpuTime();
        } while (now - start < cpuNanos);
        return calls / ((now - start) / 1e9);
    }

    private static void report(
            String what,
            Integer[] order,
            int from,
            int to,
            double[] rates,
            double[] rooflines,
            double target) {
        int n = to - from;
        double[] rate = new double[n];
        double[] roof = new double[n];
        double[] fraction = new double[n];
        int rateMet = 0;
        int roofMet = 0;
        for (int k = 0; k < n; k++) {
            int r = order[from + k];
            rate[k] = rates[r];
            roof[k] = rooflines[r];
            fraction[k] = rates[r] / rooflines[r];
            rateMet += rates[r] >= target ? 1 : 0;
            roofMet += rooflines[r] >= target ? 1 : 0;
        }
        Arrays.sort(rate);
        Arrays.sort(roof);
        Arrays.sort(fraction);
        System.out.printf(
                Locale.ROOT,
                "%-30s rate %,9.0f  roofline %,10.0f pairs/s  rate / roofline %.2f (quartiles"
                        + " %.2f-%.2f)  target %,.0f: rate at or above it in %d of %d rounds,"
                        + " roofline in %d%n",
                what,
                median(rate),
                median(roof),
                median(fraction),
                fraction[n / 4],
                fraction[(3 * n) / 4],
                target,
                rateMet,
                n,
                roofMet);
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
