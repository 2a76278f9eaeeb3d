package io.contrastream.loss.drift;

import io.contrastream.loss.eval.StateFormat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * ADWIN, adaptive windowing (Bifet and Gavaldà, "Learning from Time-Changing Data with Adaptive
 * Windowing", SDM 2007), as implemented by River ({@code river/drift/adwin_c.pyx}) after MOA's
 * {@code ADWIN}: it keeps a window of recent values whose mean is consistent, and drops the oldest
 * values when the window splits into two parts with significantly different means. It detects
 * increases and decreases alike.
 *
 * <p>The window is an exponential histogram: row {@code i} holds up to {@value #MAX_BUCKETS}
 * buckets of {@code 2^i} values (total and variance each); a sixth bucket merges the two oldest
 * into the next row. Storage is preallocated for {@value #MAX_ROWS} rows, more than a {@code long}
 * width can fill.
 *
 * <p>Every {@value #CLOCK} observations, once the window is longer than {@value #GRACE_PERIOD},
 * each bucket boundary splits the window into {@code W0} (older, {@code n0} values) and {@code W1}
 * (newer, {@code n1}); with both at least {@value #MIN_WINDOW_LENGTH} long, the split is a cut when
 *
 * <pre>
 *   |mean(W0) - mean(W1)| > sqrt(2 m' v ln(2 ln(n) / delta)) + (2/3) m' ln(2 ln(n) / delta)
 *   m' = 1 / (n0 - 5 + 1) + 1 / (n1 - 5 + 1)
 * </pre>
 *
 * with {@code n} the window's width and {@code v} its (population) variance: River's {@code
 * _evaluate_cut}, i.e. {@code epsilon = sqrt(2/m v ln(2/delta')) + 2/(3m) ln(2/delta')} with {@code
 * delta' = delta / ln(n)}. On a cut the oldest bucket is dropped and the scan starts again, until
 * no split is a cut. One observation reports at most one detection.
 *
 * <p>Deviation from River: River's scan visits only {@code current_idx - 1} buckets of each row, so
 * the newest bucket of every row is never moved into {@code W0} and the two sub-windows it compares
 * are not contiguous; this class visits every bucket boundary, as MOA does.
 *
 * <p>Edge cases: {@link #mean()} is NaN for an empty window; non-finite values are ignored; a
 * variance that rounding drives below 0 is taken as 0. Allocates nothing per observation. Not
 * thread-safe.
 */
public final class AdwinDetector implements DriftDetector {

    /** Buckets per row before two merge. */
    public static final int MAX_BUCKETS = 5;

    /** Observations between scans for a cut. */
    public static final int CLOCK = 32;

    /** Minimum length of each sub-window of a cut. */
    public static final int MIN_WINDOW_LENGTH = 5;

    /** Window length below which no scan is made. */
    public static final int GRACE_PERIOD = 10;

    /** Rows of preallocated storage. */
    public static final int MAX_ROWS = 64;

    /** River's and MOA's default confidence. */
    public static final double DEFAULT_DELTA = 0.002;

    private static final int ROW_STRIDE = MAX_BUCKETS + 1;
    private static final String STATE_NAME = "AdwinDetector";
    private static final int STATE_VERSION = 1;

    private final double delta;

    /** Bucket {@code k} (0 = oldest) of row {@code r} is at {@code r * ROW_STRIDE + k}. */
    private final double[] totals = new double[MAX_ROWS * ROW_STRIDE];

    private final double[] variances = new double[MAX_ROWS * ROW_STRIDE];
    private final int[] rowCounts = new int[MAX_ROWS];
    private int rows = 1;

    private long width;

    /** Direction of the last detected change; scratch, not part of the state. */
    private boolean lastIncrease;

    private double total;

    /** Sum of squared deviations from the mean over the window. */
    private double variance;

    private long tick;
    private long detections;

    /** ADWIN with {@link #DEFAULT_DELTA}. */
    public AdwinDetector() {
        this(DEFAULT_DELTA);
    }

    /**
     * @param delta confidence in {@code (0, 1)}: smaller means fewer false alarms, slower alarms
     */
    public AdwinDetector(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
        }
        this.delta = delta;
    }

    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            return false;
        }
        double meanBefore = width == 0 ? x : total / width;
        insert(x);
        boolean changed = detectChange();
        if (changed) {
            lastIncrease = mean() > meanBefore;
        }
        return changed;
    }

    /**
     * Whether the last detected change raised the mean: the window kept after the cut has a higher
     * mean than the whole window had before this observation.
     */
    @Override
    public boolean lastChangeWasIncrease() {
        return lastIncrease;
    }

    private void insert(double x) {
        totals[rowCounts[0]] = x;
        variances[rowCounts[0]] = 0;
        rowCounts[0]++;
        width++;
        if (width > 1) {
            double deviation = x - total / (width - 1);
            variance += (width - 1) * deviation * deviation / width;
        }
        total += x;
        compress();
    }

    private void compress() {
        for (int row = 0; row < rows && rowCounts[row] == MAX_BUCKETS + 1; row++) {
            if (row + 1 == rows) {
                if (rows == MAX_ROWS) {
                    throw new IllegalStateException("ADWIN window exceeds " + MAX_ROWS + " rows");
                }
                rowCounts[rows] = 0;
                rows++;
            }
            int base = row * ROW_STRIDE;
            double size = 1L << row; // 2^row, exactly (row < 63)
            double meanDifference = totals[base] / size - totals[base + 1] / size;
            double merged =
                    variances[base]
                            + variances[base + 1]
                            + size * size * meanDifference * meanDifference / (2 * size);
            int next = (row + 1) * ROW_STRIDE + rowCounts[row + 1];
            totals[next] = totals[base] + totals[base + 1];
            variances[next] = merged;
            rowCounts[row + 1]++;
            shiftOut(row, 2);
        }
    }

    /**
     * Removes the {@code count} oldest buckets of {@code row}. A loop, not {@code
     * System.arraycopy}: at most {@value #MAX_BUCKETS} values move, fewer than the call's own cost.
     */
    private void shiftOut(int row, int count) {
        int base = row * ROW_STRIDE;
        int remaining = rowCounts[row] - count;
        for (int k = 0; k < remaining; k++) {
            totals[base + k] = totals[base + count + k];
            variances[base + k] = variances[base + count + k];
        }
        rowCounts[row] = remaining;
    }

    private boolean detectChange() {
        tick++;
        if (tick % CLOCK != 0 || width <= GRACE_PERIOD) {
            return false;
        }
        boolean change = false;
        boolean reduce = true;
        while (reduce) {
            reduce = false;
            double n0 = 0;
            double n1 = width;
            double u0 = 0;
            double u1 = total;
            // The same for every cut of this pass (width and variance change only between
            // passes): computed once instead of per bucket, to the same bits.
            double logTerm = Math.log(2 * Math.log(width) / delta);
            double windowVariance = Math.max(0.0, variance / width);
            scan:
            for (int row = rows - 1; row >= 0; row--) {
                double size = 1L << row; // 2^row, exactly (row < 63)
                int base = row * ROW_STRIDE;
                for (int k = 0; k < rowCounts[row]; k++) {
                    n0 += size;
                    n1 -= size;
                    u0 += totals[base + k];
                    u1 -= totals[base + k];
                    if (row == 0 && k == rowCounts[row] - 1) {
                        break scan; // W1 would be empty
                    }
                    if (n1 >= MIN_WINDOW_LENGTH
                            && n0 >= MIN_WINDOW_LENGTH
                            && isCut(n0, n1, u0 / n0 - u1 / n1, logTerm, windowVariance)) {
                        change = true;
                        reduce = true;
                        deleteOldest();
                        break scan;
                    }
                }
            }
        }
        if (change) {
            detections++;
        }
        return change;
    }

    private static boolean isCut(
            double n0, double n1, double meanDifference, double logTerm, double windowVariance) {
        double mRecip = 1.0 / (n0 - MIN_WINDOW_LENGTH + 1) + 1.0 / (n1 - MIN_WINDOW_LENGTH + 1);
        double epsilon =
                Math.sqrt(2 * mRecip * windowVariance * logTerm) + 2.0 / 3.0 * logTerm * mRecip;
        return Math.abs(meanDifference) > epsilon;
    }

    private void deleteOldest() {
        int row = rows - 1;
        int base = row * ROW_STRIDE;
        long size = 1L << row;
        double bucketTotal = totals[base];
        double bucketMean = bucketTotal / size;
        width -= size;
        total -= bucketTotal;
        double windowMean = total / width;
        variance -=
                variances[base]
                        + size
                                * (double) width
                                * (bucketMean - windowMean)
                                * (bucketMean - windowMean)
                                / (size + width);
        shiftOut(row, 1);
        if (rowCounts[row] == 0 && rows > 1) {
            rows--;
        }
    }

    /** The number of values in the window. */
    public long width() {
        return width;
    }

    /** The mean of the window; NaN when it is empty. */
    public double mean() {
        return width == 0 ? Double.NaN : total / width;
    }

    /** The population variance of the window; NaN when it is empty. */
    public double variance() {
        return width == 0 ? Double.NaN : Math.max(0.0, variance / width);
    }

    /** The confidence parameter. */
    public double delta() {
        return delta;
    }

    @Override
    public long detections() {
        return detections;
    }

    @Override
    public void reset() {
        rows = 1;
        rowCounts[0] = 0;
        width = 0;
        total = 0;
        variance = 0;
        tick = 0;
        detections = 0;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateFormat.writeHeader(out, STATE_NAME, STATE_VERSION);
        out.writeDouble(delta);
        out.writeLong(width);
        out.writeDouble(total);
        out.writeDouble(variance);
        out.writeLong(tick);
        out.writeLong(detections);
        out.writeInt(rows);
        for (int row = 0; row < rows; row++) {
            out.writeInt(rowCounts[row]);
            int base = row * ROW_STRIDE;
            for (int k = 0; k < rowCounts[row]; k++) {
                out.writeDouble(totals[base + k]);
                out.writeDouble(variances[base + k]);
            }
        }
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateFormat.readHeader(in, STATE_NAME, STATE_VERSION);
        StateFormat.expectSetting(in, STATE_NAME, "delta", delta);
        long newWidth =
                StateFormat.checkRange(STATE_NAME, "width", in.readLong(), 0, Long.MAX_VALUE);
        double newTotal = in.readDouble();
        double newVariance = in.readDouble();
        long newTick = StateFormat.checkRange(STATE_NAME, "tick", in.readLong(), 0, Long.MAX_VALUE);
        long newDetections =
                StateFormat.checkRange(STATE_NAME, "detections", in.readLong(), 0, newTick);
        if (!Double.isFinite(newTotal) || !Double.isFinite(newVariance)) {
            throw new IOException(STATE_NAME + " state has a non-finite total or variance");
        }
        int newRows = (int) StateFormat.checkRange(STATE_NAME, "rows", in.readInt(), 1, MAX_ROWS);
        int[] counts = new int[newRows];
        double[] newTotals = new double[newRows * ROW_STRIDE];
        double[] newVariances = new double[newRows * ROW_STRIDE];
        long buckets = 0;
        for (int row = 0; row < newRows; row++) {
            counts[row] =
                    (int)
                            StateFormat.checkRange(
                                    STATE_NAME,
                                    "buckets in row " + row,
                                    in.readInt(),
                                    0,
                                    MAX_BUCKETS);
            for (int k = 0; k < counts[row]; k++) {
                newTotals[row * ROW_STRIDE + k] = in.readDouble();
                newVariances[row * ROW_STRIDE + k] = in.readDouble();
            }
            buckets += (long) counts[row] << row;
        }
        if (buckets != newWidth) {
            throw new IOException(
                    STATE_NAME
                            + " state has buckets holding "
                            + buckets
                            + " values for a width of "
                            + newWidth);
        }
        if (newRows > 1 && counts[newRows - 1] == 0) {
            throw new IOException(STATE_NAME + " state has an empty last row");
        }
        System.arraycopy(counts, 0, rowCounts, 0, newRows);
        System.arraycopy(newTotals, 0, totals, 0, newTotals.length);
        System.arraycopy(newVariances, 0, variances, 0, newVariances.length);
        rows = newRows;
        width = newWidth;
        total = newTotal;
        variance = newVariance;
        tick = newTick;
        detections = newDetections;
    }

    @Override
    public String toString() {
        return "AdwinDetector[delta=" + delta + ", width=" + width + ", mean=" + mean() + "]";
    }
}
