package io.contrastream.loss.eval;

import io.contrastream.loss.PairLabel;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;

/**
 * Streaming ROC-AUC of the dissimilarity {@code D} as a score for SAME, from two fixed-bin
 * histograms (one per class): memory and {@link #add} are O(1), {@link #auc} is O(bins).
 *
 * <p>The AUC is the Mann-Whitney statistic {@code P(D_same < D_diff) + 1/2 P(D_same = D_diff)}:
 * lower {@code D} means "more SAME", and 1 is a perfect ranking. It is the same number as the AUC
 * of {@code D} as a score for DIFFERENT (higher {@code D} = more DIFFERENT), so it serves either
 * positive class.
 *
 * <p>Binning: {@code D} in {@code [0, inf)} is mapped to {@code u = D / (D + scale)} in {@code [0,
 * 1)} and {@code u} to one of {@code bins} equal bins; {@code scale} (e.g. the negative margin) is
 * where the resolution is finest. Bin edges are precomputed in {@code D} units and the bin index
 * corrected against them, so the binning is exactly monotone: {@code D1 <= D2} never puts {@code
 * D1} in a higher bin.
 *
 * <p>Accuracy: a SAME/DIFFERENT pair in different bins is therefore ordered exactly as by {@code
 * D}; a pair in the same bin is counted as a tie (1/2), while its exact contribution is 0, 1/2 or
 * 1. Each such pair is off by at most 1/2, and no other pair is off, so {@code |auc() - exact AUC|
 * <= errorBound() = 1/2 sum_b same_b diff_b / (P N)}. The bound is attained when all same-bin pairs
 * are ordered the same way.
 *
 * <p>Edge cases: with no SAME or no DIFFERENT pair, {@link #auc} and {@link #errorBound} are NaN.
 * NaN {@code D} is refused ({@link IllegalArgumentException}); {@code D <= 0} (including the tiny
 * negatives that {@code 1 - s} can give by rounding) falls in the first bin, {@code +inf} in the
 * last. Not thread-safe.
 */
public final class HistogramAuc implements StatefulComponent {

    /** The default number of bins. */
    public static final int DEFAULT_BINS = 1024;

    private static final String STATE_NAME = "HistogramAuc";
    private static final int STATE_VERSION = 1;

    private final int bins;
    private final double scale;

    /** {@code lowerEdges[b]}: the smallest {@code D} in bin {@code b} (for {@code b >= 1}). */
    private final double[] lowerEdges;

    private final long[] same;
    private final long[] different;
    private long sameTotal;
    private long differentTotal;

    /** A histogram with {@link #DEFAULT_BINS} bins. */
    public HistogramAuc(double scale) {
        this(DEFAULT_BINS, scale);
    }

    /**
     * @param bins the number of bins, at least 2
     * @param scale the {@code D} mapped to the middle of the range, finite and {@code > 0}
     */
    public HistogramAuc(int bins, double scale) {
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be >= 2, got " + bins);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("scale must be finite and > 0, got " + scale);
        }
        this.bins = bins;
        this.scale = scale;
        this.lowerEdges = new double[bins];
        for (int b = 1; b < bins; b++) {
            lowerEdges[b] = scale * b / (bins - b);
        }
        this.same = new long[bins];
        this.different = new long[bins];
    }

    /** Counts one labelled pair with dissimilarity {@code d}. Allocates nothing. */
    public void add(double d, PairLabel label) {
        if (Double.isNaN(d)) {
            throw new IllegalArgumentException("dissimilarity is NaN");
        }
        int b = bin(d);
        if (label == PairLabel.SAME) {
            same[b]++;
            sameTotal++;
        } else {
            different[b]++;
            differentTotal++;
        }
    }

    /** The bin of {@code d} (not NaN). */
    int bin(double d) {
        if (!(d > 0)) {
            return 0;
        }
        if (d == Double.POSITIVE_INFINITY) {
            return bins - 1;
        }
        int b = (int) (d / (d + scale) * bins);
        if (b >= bins) {
            b = bins - 1;
        }
        while (b + 1 < bins && d >= lowerEdges[b + 1]) {
            b++;
        }
        while (b > 0 && d < lowerEdges[b]) {
            b--;
        }
        return b;
    }

    /**
     * The binned Mann-Whitney AUC ({@code P(D_same < D_diff) + 1/2 P(tie)}); NaN without both
     * classes.
     */
    public double auc() {
        if (sameTotal == 0 || differentTotal == 0) {
            return Double.NaN;
        }
        long differentAbove = differentTotal;
        double wins = 0;
        for (int b = 0; b < bins; b++) {
            differentAbove -= different[b];
            if (same[b] != 0) {
                wins += same[b] * (differentAbove + 0.5 * different[b]);
            }
        }
        return wins / ((double) sameTotal * differentTotal);
    }

    /**
     * The exact worst-case distance between {@link #auc} and the AUC of the unbinned values: half
     * the fraction of SAME/DIFFERENT pairs that share a bin. NaN without both classes.
     */
    public double errorBound() {
        if (sameTotal == 0 || differentTotal == 0) {
            return Double.NaN;
        }
        double tied = 0;
        for (int b = 0; b < bins; b++) {
            tied += (double) same[b] * different[b];
        }
        return 0.5 * tied / ((double) sameTotal * differentTotal);
    }

    /** The number of SAME pairs counted. */
    public long sameCount() {
        return sameTotal;
    }

    /** The number of DIFFERENT pairs counted. */
    public long differentCount() {
        return differentTotal;
    }

    /** The number of bins. */
    public int bins() {
        return bins;
    }

    /** The {@code D} mapped to the middle of the range. */
    public double scale() {
        return scale;
    }

    /** Forgets every pair. */
    public void reset() {
        Arrays.fill(same, 0);
        Arrays.fill(different, 0);
        sameTotal = 0;
        differentTotal = 0;
    }

    /** Makes this histogram a copy of {@code other}, which has the same configuration. */
    void copyFrom(HistogramAuc other) {
        System.arraycopy(other.same, 0, same, 0, bins);
        System.arraycopy(other.different, 0, different, 0, bins);
        sameTotal = other.sameTotal;
        differentTotal = other.differentTotal;
    }

    /** Writes the non-empty bins only: a window rarely fills all of them. */
    @Override
    public void writeState(DataOutput out) throws IOException {
        StateFormat.writeHeader(out, STATE_NAME, STATE_VERSION);
        out.writeLong(bins);
        out.writeDouble(scale);
        int nonEmpty = 0;
        for (int b = 0; b < bins; b++) {
            if (same[b] != 0 || different[b] != 0) {
                nonEmpty++;
            }
        }
        out.writeInt(nonEmpty);
        for (int b = 0; b < bins; b++) {
            if (same[b] != 0 || different[b] != 0) {
                out.writeInt(b);
                out.writeLong(same[b]);
                out.writeLong(different[b]);
            }
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateFormat.readHeader(in, STATE_NAME, STATE_VERSION);
        StateFormat.expectSetting(in, STATE_NAME, "bins", bins);
        StateFormat.expectSetting(in, STATE_NAME, "scale", scale);
        int nonEmpty =
                (int) StateFormat.checkRange(STATE_NAME, "non-empty bins", in.readInt(), 0, bins);
        long[] newSame = new long[bins];
        long[] newDifferent = new long[bins];
        long newSameTotal = 0;
        long newDifferentTotal = 0;
        int previous = -1;
        for (int i = 0; i < nonEmpty; i++) {
            int b =
                    (int)
                            StateFormat.checkRange(
                                    STATE_NAME, "bin index", in.readInt(), previous + 1, bins - 1);
            previous = b;
            long s =
                    StateFormat.checkRange(
                            STATE_NAME, "SAME count", in.readLong(), 0, Long.MAX_VALUE);
            long d =
                    StateFormat.checkRange(
                            STATE_NAME, "DIFFERENT count", in.readLong(), 0, Long.MAX_VALUE);
            if (s == 0 && d == 0) {
                throw new IOException(
                        STATE_NAME + " state lists bin " + b + " as non-empty, but it is empty");
            }
            newSame[b] = s;
            newDifferent[b] = d;
            if (s > Long.MAX_VALUE - newSameTotal || d > Long.MAX_VALUE - newDifferentTotal) {
                throw new IOException(STATE_NAME + " state has counts that overflow a long");
            }
            newSameTotal += s;
            newDifferentTotal += d;
        }
        System.arraycopy(newSame, 0, same, 0, bins);
        System.arraycopy(newDifferent, 0, different, 0, bins);
        sameTotal = newSameTotal;
        differentTotal = newDifferentTotal;
    }

    @Override
    public String toString() {
        return "HistogramAuc[bins="
                + bins
                + ", scale="
                + scale
                + ", same="
                + sameTotal
                + ", different="
                + differentTotal
                + "]";
    }
}
