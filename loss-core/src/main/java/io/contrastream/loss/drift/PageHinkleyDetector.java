package io.contrastream.loss.drift;

import io.contrastream.loss.eval.StateFormat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * The Page-Hinkley test (Page, 1954) for an increase of the mean, in the formulation of River's
 * {@code drift.PageHinkley} (mode "up") and MOA's {@code PageHinkleyDM}.
 *
 * <p>For each observation {@code x_t}, with {@code xbar_t} the running mean of {@code x_1..x_t}:
 *
 * <pre>
 *   S_t = alpha * S_(t-1) + (x_t - xbar_t - delta)      (S_0 = 0)
 *   m_t = min(m_(t-1), S_t)                            (m_0 = +inf)
 *   drift at t  iff  t >= minInstances  and  S_t - m_t > lambda
 * </pre>
 *
 * {@code delta} is the magnitude of change tolerated, {@code lambda} the alarm threshold (in units
 * of {@code x} times observations), {@code alpha} a fading factor on the cumulative sum (1 = the
 * classic test). Defaults are River's: {@code delta = 0.005}, {@code lambda = 50}, {@code alpha =
 * 0.9999}, {@code minInstances = 30}.
 *
 * <p>Caveat of the fading factor: after a large decrease of the mean, {@code S_t} falls to a deep
 * minimum and, with {@code alpha < 1}, later climbs back towards 0 as the faded sum forgets the
 * fall, which can raise an alarm without any increase (observed with River's defaults after a step
 * from 2.0 to 1.0). With {@code alpha = 1} a decrease never raises an alarm.
 *
 * <p>After a detection the detector resets itself (mean, sum and minimum; not the detection count),
 * as River does at the next update: the new regime is learned from scratch. Non-finite values are
 * ignored. Not thread-safe.
 */
public final class PageHinkleyDetector implements DriftDetector {

    private static final String STATE_NAME = "PageHinkleyDetector";
    private static final int STATE_VERSION = 1;

    private final double delta;
    private final double lambda;
    private final double alpha;
    private final int minInstances;

    private long n;
    private double mean;
    private double sum;
    private double min = Double.POSITIVE_INFINITY;
    private long detections;

    /** River's defaults: delta 0.005, lambda 50, alpha 0.9999, minInstances 30. */
    public PageHinkleyDetector() {
        this(0.005, 50, 0.9999, 30);
    }

    /**
     * @param delta tolerated change, finite and {@code >= 0}
     * @param lambda alarm threshold, finite and {@code > 0}
     * @param alpha fading factor in {@code (0, 1]}
     * @param minInstances observations (since the start or the last detection) before an alarm may
     *     be raised, at least 1
     */
    public PageHinkleyDetector(double delta, double lambda, double alpha, int minInstances) {
        if (!(delta >= 0) || Double.isInfinite(delta)) {
            throw new IllegalArgumentException("delta must be finite and >= 0, got " + delta);
        }
        if (!(lambda > 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and > 0, got " + lambda);
        }
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1], got " + alpha);
        }
        if (minInstances < 1) {
            throw new IllegalArgumentException("minInstances must be >= 1, got " + minInstances);
        }
        this.delta = delta;
        this.lambda = lambda;
        this.alpha = alpha;
        this.minInstances = minInstances;
    }

    @Override
    public boolean update(double x) {
        if (!Double.isFinite(x)) {
            return false;
        }
        n++;
        mean += (x - mean) / n;
        sum = alpha * sum + (x - mean - delta);
        if (sum < min) {
            min = sum;
        }
        if (n >= minInstances && sum - min > lambda) {
            detections++;
            clear();
            return true;
        }
        return false;
    }

    /** Always true: this test detects rises only. */
    @Override
    public boolean lastChangeWasIncrease() {
        return true;
    }

    private void clear() {
        n = 0;
        mean = 0;
        sum = 0;
        min = Double.POSITIVE_INFINITY;
    }

    @Override
    public long detections() {
        return detections;
    }

    @Override
    public void reset() {
        clear();
        detections = 0;
    }

    /** Observations since the start or the last detection. */
    public long count() {
        return n;
    }

    /** The running mean since the start or the last detection; 0 before any observation. */
    public double mean() {
        return mean;
    }

    /** The test statistic {@code S_t - m_t}; 0 before any observation. */
    public double statistic() {
        return n == 0 ? 0 : sum - min;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateFormat.writeHeader(out, STATE_NAME, STATE_VERSION);
        out.writeDouble(delta);
        out.writeDouble(lambda);
        out.writeDouble(alpha);
        out.writeLong(minInstances);
        out.writeLong(n);
        out.writeDouble(mean);
        out.writeDouble(sum);
        out.writeDouble(min);
        out.writeLong(detections);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateFormat.readHeader(in, STATE_NAME, STATE_VERSION);
        StateFormat.expectSetting(in, STATE_NAME, "delta", delta);
        StateFormat.expectSetting(in, STATE_NAME, "lambda", lambda);
        StateFormat.expectSetting(in, STATE_NAME, "alpha", alpha);
        StateFormat.expectSetting(in, STATE_NAME, "minInstances", minInstances);
        long newN = StateFormat.checkRange(STATE_NAME, "count", in.readLong(), 0, Long.MAX_VALUE);
        double newMean = in.readDouble();
        double newSum = in.readDouble();
        double newMin = in.readDouble();
        long newDetections =
                StateFormat.checkRange(STATE_NAME, "detections", in.readLong(), 0, Long.MAX_VALUE);
        boolean fresh =
                newN == 0 && newMean == 0 && newSum == 0 && newMin == Double.POSITIVE_INFINITY;
        boolean running =
                newN > 0
                        && Double.isFinite(newMean)
                        && Double.isFinite(newSum)
                        && Double.isFinite(newMin)
                        && newMin <= newSum;
        if (!fresh && !running) {
            throw new IOException(
                    STATE_NAME
                            + " state is inconsistent: count "
                            + newN
                            + ", mean "
                            + newMean
                            + ", sum "
                            + newSum
                            + ", minimum "
                            + newMin);
        }
        n = newN;
        mean = newMean;
        sum = newSum;
        min = newMin;
        detections = newDetections;
    }

    @Override
    public String toString() {
        return "PageHinkleyDetector[delta="
                + delta
                + ", lambda="
                + lambda
                + ", alpha="
                + alpha
                + ", minInstances="
                + minInstances
                + "]";
    }
}
