package io.contrastream.bench;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The workload of {@link LearnBenchmark}, {@link LearnCpuRate} and {@link InterleavedRate}: one
 * learner ({@code LearnerConfig.reference(1)}, the given encoder, SGD at 3e-4 or Adam at 1e-3),
 * 1024 items drawn uniformly from [0, 1) (seed 42), half labelled SAME; pair {@code i} is items
 * {@code i} and {@code 7i + 1} (mod 1024) with label {@code i}.
 *
 * <p>It uses loss-core's public API only and no nested class, so that {@link InterleavedRate} can
 * define this same class in a class loader over another build of loss-core.
 */
public final class LearnWorkload {

    private static final ThreadMXBean CLOCK = ManagementFactory.getThreadMXBean();
    private static final int POOL = 1024;

    private final OnlineLearner learner;
    private final float[][] items;
    private final PairLabel[] labels;
    private int next;

    /** Kept so that the JIT cannot drop the learner's results. */
    private double sink;

    /**
     * @param model {@code encoder:input:hidden:embedding}, e.g. {@code linear:64:0:32} or {@code
     *     mlp:64:256:32}
     * @param rule an {@link OptimizerKind} name: {@code SGD} or {@code ADAM}
     * @throws IllegalArgumentException naming the model or rule when either is malformed
     */
    public LearnWorkload(String model, String rule) {
        String[] parts = model.split(":");
        if (parts.length != 4
                || !parts[1].matches("\\d{1,9}")
                || !parts[2].matches("\\d{1,9}")
                || !parts[3].matches("\\d{1,9}")) {
            throw new IllegalArgumentException(
                    "model must be encoder:input:hidden:embedding with whole-number sizes (e.g."
                            + " linear:64:0:32), got "
                            + model);
        }
        EncoderKind encoder = named(EncoderKind.class, parts[0], "encoder");
        OptimizerKind kind = named(OptimizerKind.class, rule, "rule");
        int input = Integer.parseInt(parts[1]);
        LearnerConfig config =
                LearnerConfig.reference(1)
                        .withEncoder(
                                new EncoderConfig(
                                        encoder,
                                        Integer.parseInt(parts[3]),
                                        Integer.parseInt(parts[2]),
                                        false,
                                        Initialization.PYTORCH_UNIFORM))
                        .withOptimizer(
                                OptimizerConfig.of(kind, kind == OptimizerKind.ADAM ? 1e-3 : 3e-4));
        learner = OnlineLearner.create(config, input);
        SplittableRandom random = new SplittableRandom(42);
        items = new float[POOL][input];
        labels = new PairLabel[POOL];
        for (int i = 0; i < POOL; i++) {
            for (int k = 0; k < input; k++) {
                items[i][k] = (float) random.nextDouble();
            }
            labels[i] = random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT;
        }
    }

    /** The constant of {@code type} named {@code name} (any case), or an error listing them. */
    private static <E extends Enum<E>> E named(Class<E> type, String name, String what) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException(
                what
                        + " must be one of "
                        + Arrays.toString(type.getEnumConstants()).toLowerCase()
                        + ", got "
                        + name);
    }

    /** Another learner and pool in the same pair order ({@value #POOL} items and labels). */
    public LearnWorkload(OnlineLearner learner, float[][] items, PairLabel[] labels) {
        if (items.length != POOL || labels.length != POOL) {
            throw new IllegalArgumentException("the pool holds " + POOL + " items and labels");
        }
        this.learner = learner;
        this.items = items;
        this.labels = labels;
    }

    /** Learns the next pair and returns its loss. */
    public double learnNext() {
        int i = next;
        next = (i + 1) & (POOL - 1);
        return learner.learn(items[i], items[(i * 7 + 1) & (POOL - 1)], labels[i]).loss();
    }

    /**
     * Learns pairs, in order, for at least {@code cpuNanos} of this thread's CPU time (checked
     * every 64 pairs) and returns pairs per CPU-second.
     */
    public double rate(long cpuNanos) {
        long start = CLOCK.getCurrentThreadCpuTime();
        long pairs = 0;
        long now;
        do {
            for (int q = 0; q < 64; q++) {
                sink += learnNext();
            }
            pairs += 64;
            now = CLOCK.getCurrentThreadCpuTime();
        } while (now - start < cpuNanos);
        return pairs / ((now - start) / 1e9);
    }

    /** The sum of every loss so far (to keep the work observable). */
    public double sink() {
        return sink;
    }
}
