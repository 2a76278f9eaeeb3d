package io.contrastream.bench;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.simd.VectorKernels;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
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
 * collapsed-model row. One model alone takes about 10 seconds, short enough to alternate two builds
 * many times on a noisy machine.
 */
public final class LearnCpuRate {

    private LearnCpuRate() {}

    public static void main(String[] args) {
        ThreadMXBean clock = ManagementFactory.getThreadMXBean();
        System.out.println("kernels: " + VectorKernels.describe());
        String[] models =
                args.length > 0
                        ? args
                        : new String[] {"linear:64:0:32", "linear:784:0:128", "mlp:64:256:32"};
        for (String model : models) {
            for (OptimizerKind rule : new OptimizerKind[] {OptimizerKind.SGD, OptimizerKind.ADAM}) {
                String[] parts = model.split(":");
                int input = Integer.parseInt(parts[1]);
                LearnerConfig config =
                        LearnerConfig.reference(1)
                                .withEncoder(
                                        new EncoderConfig(
                                                EncoderKind.valueOf(parts[0].toUpperCase()),
                                                Integer.parseInt(parts[3]),
                                                Integer.parseInt(parts[2]),
                                                false,
                                                Initialization.PYTORCH_UNIFORM))
                                .withOptimizer(
                                        OptimizerConfig.of(
                                                rule, rule == OptimizerKind.ADAM ? 1e-3 : 3e-4));
                OnlineLearner learner = OnlineLearner.create(config, input);
                SplittableRandom random = new SplittableRandom(42);
                float[][] items = new float[1024][input];
                PairLabel[] labels = new PairLabel[1024];
                for (int i = 0; i < 1024; i++) {
                    for (int k = 0; k < input; k++) {
                        items[i][k] = (float) random.nextDouble();
                    }
                    labels[i] = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
                }
                double best = bestRate(clock, learner, items, labels);
                System.out.printf("%-18s %-5s %,12.0f pairs per CPU-second%n", model, rule, best);
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
                "linear:64:0:32", "SGD", bestRate(clock, collapsing, items, same));
        if (sink == 42) {
            System.out.println();
        }
    }

    private static double sink;

    /**
     * Pairs per CPU-second: best of 5 rounds of 0.5 CPU-seconds after 3 warm-up rounds, pair {@code
     * i} is items {@code i} and {@code 7i + 1} (mod 1024) with label {@code i}.
     */
    private static double bestRate(
            ThreadMXBean clock, OnlineLearner learner, float[][] items, PairLabel[] labels) {
        double best = 0;
        int next = 0;
        for (int round = 0; round < 8; round++) {
            long start = clock.getCurrentThreadCpuTime();
            long pairs = 0;
            while (clock.getCurrentThreadCpuTime() - start < 500_000_000L) {
                for (int q = 0; q < 64; q++) {
                    int i = next;
                    next = (i + 1) & 1023;
                    sink += learner.learn(items[i], items[(i * 7 + 1) & 1023], labels[i]).loss();
                    pairs++;
                }
            }
            double rate = pairs / ((clock.getCurrentThreadCpuTime() - start) / 1e9);
            if (round >= 3) {
                best = Math.max(best, rate);
            }
        }
        return best;
    }
}
