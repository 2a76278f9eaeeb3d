package io.contrastream.bench;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.simd.VectorKernels;
import java.util.SplittableRandom;

/**
 * The workload of {@link LearnBenchmark}, timed by the thread's CPU time instead of the wall clock:
 * pairs per CPU-second, best of 5 rounds of 0.5 CPU-seconds after 3 warm-up rounds. On a machine
 * shared with other builds the wall-clock rate mostly measures the scheduler; the CPU-time rate is
 * still disturbed (caches are shared and evicted) but far less. A cross-check, not a replacement
 * for JMH on a quiet machine.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.contrastream.bench.LearnCpuRate            # add -Dcontrastream.vector=false for scalar
 * </pre>
 *
 * <p>Arguments, optional: the models to run ({@code encoder:input:hidden:embedding}, as {@link
 * LearnBenchmark}'s {@code model}), each with SGD and Adam; without them all three and the
 * collapsed-model row. One model alone takes about 10 seconds. To compare two builds, {@link
 * InterleavedRate} alternates them in one JVM, which this machine's slow and fast phases (minutes
 * long) do not disturb as they do fresh JVMs run one after another.
 */
public final class LearnCpuRate {

    private LearnCpuRate() {}

    static final String USAGE =
            "usage: LearnCpuRate [encoder:input:hidden:embedding ...]\n"
                    + "  pairs per CPU-second of OnlineLearner.learn, SGD and Adam, best of 5 rounds"
                    + " of 0.5 CPU-s\n"
                    + "  default models: linear:64:0:32 linear:784:0:128 mlp:64:256:32, then a"
                    + " collapsed model\n"
                    + "  run with --add-modules jdk.incubator.vector (the vector kernels)";

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
            System.out.println(USAGE);
            return;
        }
        System.out.println("kernels: " + VectorKernels.describe());
        String[] models =
                args.length > 0
                        ? args
                        : new String[] {"linear:64:0:32", "linear:784:0:128", "mlp:64:256:32"};
        for (String model : models) {
            for (OptimizerKind rule : new OptimizerKind[] {OptimizerKind.SGD, OptimizerKind.ADAM}) {
                LearnWorkload workload;
                try {
                    workload = new LearnWorkload(model, rule.name());
                } catch (IllegalArgumentException e) {
                    System.err.println(e.getMessage() + "\n" + USAGE);
                    System.exit(2);
                    return;
                }
                System.out.printf(
                        "%-18s %-5s %,12.0f pairs per CPU-second%n",
                        model, rule, bestRate(workload));
            }
        }
        if (args.length > 0) {
            return;
        }
        // A model fed SAME pairs only collapses (W -> 0); OnlineLearner.NEGLIGIBLE_STEP keeps
        // its weights out of subnormal floats, whose arithmetic is many times slower.
        OnlineLearner collapsing =
                OnlineLearner.create(
                        LearnerConfig.reference(1)
                                .withOptimizer(OptimizerConfig.of(OptimizerKind.SGD, 1e-2)),
                        64);
        SplittableRandom random = new SplittableRandom(42);
        float[][] items = new float[1024][64];
        for (float[] item : items) {
            for (int k = 0; k < item.length; k++) {
                item[k] = (float) random.nextGaussian();
            }
        }
        PairLabel[] same = new PairLabel[1024];
        java.util.Arrays.fill(same, PairLabel.SAME);
        System.out.printf(
                "%-18s %-5s %,12.0f pairs per CPU-second (SAME pairs only: a collapsed model)%n",
                "linear:64:0:32", "SGD", bestRate(new LearnWorkload(collapsing, items, same)));
    }

    /** Pairs per CPU-second: best of 5 rounds of 0.5 CPU-seconds after 3 warm-up rounds. */
    private static double bestRate(LearnWorkload workload) {
        double best = 0;
        for (int round = 0; round < 8; round++) {
            double rate = workload.rate(500_000_000L);
            if (round >= 3) {
                best = Math.max(best, rate);
            }
        }
        if (workload.sink() == 42) {
            System.out.println();
        }
        return best;
    }
}
