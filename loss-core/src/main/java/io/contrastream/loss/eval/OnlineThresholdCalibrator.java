package io.contrastream.loss.eval;

import io.contrastream.loss.PairLabel;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * A threshold chosen to maximise an {@link Objective} over the most recent labelled pairs.
 *
 * <p>The last {@code capacity} labelled pairs are kept in a ring. Once {@code minimumLabelled}
 * pairs have been observed, and after every further {@code refreshEvery} pairs, the ring's SAME and
 * DIFFERENT values are copied into two preallocated arrays and sorted, and the candidate thresholds
 * are swept with two pointers: the smallest value (everything predicted DIFFERENT), every midpoint
 * between consecutive distinct values, and the value just above the largest (everything SAME). The
 * candidate with the best objective wins; ties go to the smallest threshold. Objectives are
 * compared exactly, as fractions of counts. A refresh costs {@code O(capacity log capacity)},
 * amortised over {@code refreshEvery} observations; other observations cost O(1) and allocate
 * nothing.
 *
 * <p>Edge cases: before {@code minimumLabelled} pairs, and whenever the ring holds only one class
 * at a refresh (no threshold separates anything), the threshold stays where it was (initially
 * {@code initialThreshold}). Old pairs fall out of the ring, so the threshold follows a shift in
 * the data. NaN dissimilarities are refused ({@link IllegalArgumentException}); {@code -0.0} is
 * stored as {@code 0.0}. Not thread-safe.
 */
public final class OnlineThresholdCalibrator implements ThresholdCalibrator {

    /** What a threshold is chosen to maximise. */
    public enum Objective {
        /** F1 with SAME as the positive class (duplicate detection). */
        F1_SAME,
        /** F1 with DIFFERENT as the positive class (change detection). */
        F1_DIFFERENT,
        /** The mean of the recall of SAME and the recall of DIFFERENT. */
        BALANCED_ACCURACY;

        /** F1 for the given positive class. */
        public static Objective f1(PairLabel positiveClass) {
            return positiveClass == PairLabel.SAME ? F1_SAME : F1_DIFFERENT;
        }
    }

    /**
     * Largest capacity, 65536: objectives are compared exactly by cross-multiplying fractions of
     * counts, whose products must fit in a {@code long} (balanced accuracy has denominators up to
     * {@code capacity^2 / 2}).
     */
    public static final int MAX_CAPACITY = 1 << 16;

    private static final String STATE_NAME = "OnlineThresholdCalibrator";
    private static final int STATE_VERSION = 1;

    private final Objective objective;
    private final int capacity;
    private final int refreshEvery;
    private final int minimumLabelled;
    private final double initialThreshold;

    private final double[] ringValues;
    private final boolean[] ringSame;
    private final double[] sortedSame;
    private final double[] sortedDifferent;

    /** Index of the oldest entry. */
    private int ringStart;

    private int ringSize;
    private long observed;
    private double threshold;
    private long refreshes;
    private double objectiveValue = Double.NaN;

    // Best candidate of the sweep in progress, as the fraction bestNumerator / bestDenominator.
    private long bestNumerator;
    private long bestDenominator;

    /**
     * @param objective what the threshold maximises
     * @param capacity how many recent labelled pairs are kept, in [1, {@link #MAX_CAPACITY}]
     * @param refreshEvery observations between refreshes, at least 1
     * @param minimumLabelled observations before the first refresh, in [1, capacity]
     * @param initialThreshold the threshold until then, finite
     */
    public OnlineThresholdCalibrator(
            Objective objective,
            int capacity,
            int refreshEvery,
            int minimumLabelled,
            double initialThreshold) {
        if (objective == null) {
            throw new IllegalArgumentException("objective must be given");
        }
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException(
                    "capacity must be in [1, " + MAX_CAPACITY + "], got " + capacity);
        }
        if (refreshEvery < 1) {
            throw new IllegalArgumentException("refreshEvery must be >= 1, got " + refreshEvery);
        }
        if (minimumLabelled < 1 || minimumLabelled > capacity) {
            throw new IllegalArgumentException(
                    "minimumLabelled must be in [1, capacity = "
                            + capacity
                            + "], got "
                            + minimumLabelled);
        }
        if (!Double.isFinite(initialThreshold)) {
            throw new IllegalArgumentException(
                    "initial threshold must be finite, got " + initialThreshold);
        }
        this.objective = objective;
        this.capacity = capacity;
        this.refreshEvery = refreshEvery;
        this.minimumLabelled = minimumLabelled;
        this.initialThreshold = initialThreshold;
        this.ringValues = new double[capacity];
        this.ringSame = new boolean[capacity];
        this.sortedSame = new double[capacity];
        this.sortedDifferent = new double[capacity];
        this.threshold = initialThreshold;
    }

    /** Defaults: 1000 pairs, a refresh every 100, the first after 50. */
    public OnlineThresholdCalibrator(Objective objective, double initialThreshold) {
        this(objective, 1000, 100, 50, initialThreshold);
    }

    @Override
    public double threshold() {
        return threshold;
    }

    @Override
    public void observe(double dissimilarity, PairLabel label) {
        if (Double.isNaN(dissimilarity)) {
            throw new IllegalArgumentException("dissimilarity is NaN");
        }
        int slot;
        if (ringSize < capacity) {
            slot = ringStart + ringSize;
            if (slot >= capacity) {
                slot -= capacity;
            }
            ringSize++;
        } else {
            slot = ringStart;
            ringStart = ringStart + 1 == capacity ? 0 : ringStart + 1;
        }
        ringValues[slot] = dissimilarity + 0.0; // -0.0 -> 0.0
        ringSame[slot] = label == PairLabel.SAME;
        observed++;
        if (observed >= minimumLabelled && (observed - minimumLabelled) % refreshEvery == 0) {
            refresh();
        }
    }

    private void refresh() {
        int p = 0;
        int n = 0;
        for (int i = 0; i < ringSize; i++) {
            int slot = ringStart + i < capacity ? ringStart + i : ringStart + i - capacity;
            if (ringSame[slot]) {
                sortedSame[p++] = ringValues[slot];
            } else {
                sortedDifferent[n++] = ringValues[slot];
            }
        }
        if (p == 0 || n == 0) {
            return;
        }
        Arrays.sort(sortedSame, 0, p);
        Arrays.sort(sortedDifferent, 0, n);
        refreshes++;

        // Candidate "everything DIFFERENT": the smallest value (D < it holds for none).
        double first = Math.min(sortedSame[0], sortedDifferent[0]);
        bestNumerator = -1;
        bestDenominator = 1;
        double best = first;
        consider(0, 0, p, n);
        int i = 0;
        int j = 0;
        while (i < p || j < n) {
            double value = nextValue(i, j, p, n);
            while (i < p && sortedSame[i] == value) {
                i++;
            }
            while (j < n && sortedDifferent[j] == value) {
                j++;
            }
            double candidate;
            if (i < p || j < n) {
                double next = nextValue(i, j, p, n);
                candidate = value + (next - value) * 0.5;
                if (!(candidate > value)) {
                    candidate = next; // adjacent doubles: D < next still splits them
                }
            } else {
                candidate = Math.nextUp(value); // everything SAME
            }
            if (consider(i, j, p, n)) {
                best = candidate;
            }
        }
        threshold = best;
        objectiveValue = (double) bestNumerator / bestDenominator;
    }

    private double nextValue(int i, int j, int p, int n) {
        if (i == p) {
            return sortedDifferent[j];
        }
        if (j == n) {
            return sortedSame[i];
        }
        return Math.min(sortedSame[i], sortedDifferent[j]);
    }

    /**
     * Scores the threshold below which {@code sameBelow} SAME and {@code differentBelow} DIFFERENT
     * values lie; returns true (and remembers it) if strictly better than the best so far.
     */
    private boolean consider(int sameBelow, int differentBelow, int p, int n) {
        long numerator;
        long denominator;
        switch (objective) {
            case F1_SAME:
                {
                    long tp = sameBelow;
                    long fp = differentBelow;
                    long fn = p - sameBelow;
                    numerator = 2 * tp;
                    denominator = 2 * tp + fp + fn;
                    break;
                }
            case F1_DIFFERENT:
                {
                    long tp = n - differentBelow;
                    long fp = p - sameBelow;
                    long fn = differentBelow;
                    numerator = 2 * tp;
                    denominator = 2 * tp + fp + fn;
                    break;
                }
            default:
                // (sameBelow / p + (n - differentBelow) / n) / 2, over the common denominator
                numerator = (long) sameBelow * n + (long) (n - differentBelow) * p;
                denominator = 2L * p * n;
                break;
        }
        // numerator / denominator > best  <=>  numerator * bestDen > best * denominator
        if (numerator * bestDenominator > bestNumerator * denominator) {
            bestNumerator = numerator;
            bestDenominator = denominator;
            return true;
        }
        return false;
    }

    /**
     * The objective's value at {@link #threshold()} on the ring at the last refresh; NaN before.
     */
    public double objectiveValue() {
        return objectiveValue;
    }

    /** Labelled pairs observed since construction or {@link #reset()}. */
    public long observedCount() {
        return observed;
    }

    /** Refreshes that chose a threshold (the ring held both classes). */
    public long refreshCount() {
        return refreshes;
    }

    /** Labelled pairs currently in the ring. */
    public int windowSize() {
        return ringSize;
    }

    /** The objective maximised. */
    public Objective objective() {
        return objective;
    }

    /** Forgets every pair and returns to the initial threshold. */
    public void reset() {
        ringStart = 0;
        ringSize = 0;
        observed = 0;
        refreshes = 0;
        threshold = initialThreshold;
        objectiveValue = Double.NaN;
    }

    /** Writes the ring oldest first, so the reader need not know where it started. */
    @Override
    public void writeState(DataOutput out) throws IOException {
        StateFormat.writeHeader(out, STATE_NAME, STATE_VERSION);
        out.writeLong(objective.ordinal());
        out.writeLong(capacity);
        out.writeLong(refreshEvery);
        out.writeLong(minimumLabelled);
        out.writeDouble(initialThreshold);
        out.writeLong(observed);
        out.writeLong(refreshes);
        out.writeDouble(threshold);
        out.writeDouble(objectiveValue);
        out.writeInt(ringSize);
        for (int i = 0; i < ringSize; i++) {
            int slot = ringStart + i < capacity ? ringStart + i : ringStart + i - capacity;
            out.writeDouble(ringValues[slot]);
            out.writeBoolean(ringSame[slot]);
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateFormat.readHeader(in, STATE_NAME, STATE_VERSION);
        StateFormat.expectSetting(in, STATE_NAME, "objective", objective.ordinal());
        StateFormat.expectSetting(in, STATE_NAME, "capacity", capacity);
        StateFormat.expectSetting(in, STATE_NAME, "refreshEvery", refreshEvery);
        StateFormat.expectSetting(in, STATE_NAME, "minimumLabelled", minimumLabelled);
        StateFormat.expectSetting(in, STATE_NAME, "initial threshold", initialThreshold);
        long newObserved =
                StateFormat.checkRange(STATE_NAME, "observed", in.readLong(), 0, Long.MAX_VALUE);
        long newRefreshes =
                StateFormat.checkRange(STATE_NAME, "refreshes", in.readLong(), 0, newObserved);
        double newThreshold = in.readDouble();
        double newObjective = in.readDouble();
        if (!Double.isFinite(newThreshold)) {
            throw new IOException(STATE_NAME + " state has threshold " + newThreshold);
        }
        if (newRefreshes == 0
                ? !Double.isNaN(newObjective)
                : !(newObjective >= 0 && newObjective <= 1)) {
            throw new IOException(
                    STATE_NAME
                            + " state has objective value "
                            + newObjective
                            + " after "
                            + newRefreshes
                            + " refreshes");
        }
        int newSize =
                (int)
                        StateFormat.checkRange(
                                STATE_NAME,
                                "ring size",
                                in.readInt(),
                                0,
                                Math.min(capacity, newObserved));
        if (newSize != Math.min(capacity, newObserved)) {
            throw new IOException(
                    STATE_NAME
                            + " state holds "
                            + newSize
                            + " pairs after "
                            + newObserved
                            + " observations");
        }
        double[] values = new double[newSize];
        boolean[] same = new boolean[newSize];
        for (int i = 0; i < newSize; i++) {
            values[i] = in.readDouble();
            same[i] = in.readBoolean();
            if (Double.isNaN(values[i])) {
                throw new IOException(STATE_NAME + " state holds a NaN dissimilarity");
            }
        }
        System.arraycopy(values, 0, ringValues, 0, newSize);
        System.arraycopy(same, 0, ringSame, 0, newSize);
        ringStart = 0;
        ringSize = newSize;
        observed = newObserved;
        refreshes = newRefreshes;
        threshold = newThreshold;
        objectiveValue = newObjective;
    }

    @Override
    public String toString() {
        return "OnlineThresholdCalibrator["
                + objective
                + ", capacity="
                + capacity
                + ", refreshEvery="
                + refreshEvery
                + ", minimumLabelled="
                + minimumLabelled
                + ", threshold="
                + threshold
                + "]";
    }
}
