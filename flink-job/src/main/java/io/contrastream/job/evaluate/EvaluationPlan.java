package io.contrastream.job.evaluate;

import java.util.Arrays;

/**
 * What one {@code contrastream evaluate} measures: the protocol's sizes, the probe points and the
 * scenario. Checked once, on construction; each message names the command-line flag.
 *
 * @param seeds runs per configuration; run {@code s = 1..seeds} seeds the split, the pairs and the
 *     model's initial parameters
 * @param pairs labelled training pairs per run
 * @param testPairs unlabelled held-out pairs scored after the last training pair
 * @param probes training-pair counts after which a block of held-out pairs is scored, ascending,
 *     each in {@code [1, pairs]}
 * @param probePairs unlabelled held-out pairs per probe block
 * @param scenario the shape of the stream
 */
public record EvaluationPlan(
        int seeds, int pairs, int testPairs, int[] probes, int probePairs, Scenario scenario) {

    /** The default probe points of the command line. */
    public static final String DEFAULT_PROBES = "1000,2000,5000,10000,20000,50000,100000,200000";

    /** Checks every setting; sorts the probes and drops repeats. */
    public EvaluationPlan {
        if (seeds < 1) {
            throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
        }
        if (pairs < 2) {
            throw new IllegalArgumentException("--pairs must be >= 2, got " + pairs);
        }
        if (testPairs < 2) {
            throw new IllegalArgumentException("--test-pairs must be >= 2, got " + testPairs);
        }
        if (probePairs < 2) {
            throw new IllegalArgumentException("--probe-pairs must be >= 2, got " + probePairs);
        }
        if (scenario == null) {
            throw new IllegalArgumentException("--scenario must be given");
        }
        probes = Arrays.stream(probes).sorted().distinct().toArray();
        for (int p : probes) {
            if (p < 1 || p > pairs) {
                throw new IllegalArgumentException(
                        "--probes: "
                                + p
                                + " is outside 1.."
                                + pairs
                                + " (a probe is taken after that many training pairs, at most"
                                + " --pairs "
                                + pairs
                                + ")");
            }
        }
    }

    /** The probe points given, ascending, without repeats (a copy). */
    @Override
    public int[] probes() {
        return probes.clone();
    }

    /** Training pairs of the first phase of {@link Scenario#CLASS_SHIFT}: half of them. */
    public int switchPoint() {
        return pairs / 2;
    }

    /**
     * The probe points the stream carries: {@link #probes}, and for {@link Scenario#CLASS_SHIFT}
     * also the switch and 1,000 and 10,000 pairs after it (where those lie before the end).
     */
    public int[] probePoints() {
        if (scenario != Scenario.CLASS_SHIFT) {
            return probes.clone();
        }
        int half = switchPoint();
        int[] extra = {half, half + 1000, half + 10_000};
        int[] all = Arrays.copyOf(probes, probes.length + extra.length);
        int n = probes.length;
        for (int e : extra) {
            if (e <= pairs) {
                all[n++] = e;
            }
        }
        return Arrays.stream(all, 0, n).sorted().distinct().toArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvaluationPlan p
                && seeds == p.seeds
                && pairs == p.pairs
                && testPairs == p.testPairs
                && Arrays.equals(probes, p.probes)
                && probePairs == p.probePairs
                && scenario == p.scenario;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(probes) * 31
                + java.util.Objects.hash(seeds, pairs, testPairs, probePairs, scenario);
    }

    @Override
    public String toString() {
        return "EvaluationPlan[seeds="
                + seeds
                + ", pairs="
                + pairs
                + ", testPairs="
                + testPairs
                + ", probes="
                + Arrays.toString(probes)
                + ", probePairs="
                + probePairs
                + ", scenario="
                + scenario.flag()
                + "]";
    }
}
