package io.contrastream.loss.eval;

import io.contrastream.loss.PairLabel;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A threshold that never changes; {@link #observe} ignores its pair (but still refuses NaN, like
 * every calibrator). Its state is empty: it writes only its threshold, to be checked on read.
 */
public final class FixedThreshold implements ThresholdCalibrator {

    private static final String STATE_NAME = "FixedThreshold";
    private static final int STATE_VERSION = 1;

    private final double threshold;

    /**
     * @param threshold the threshold in {@code D} units, finite
     */
    public FixedThreshold(double threshold) {
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
        this.threshold = threshold;
    }

    /**
     * Half the negative margin: the midpoint between a SAME pair at rest ({@code D = 0}) and a
     * DIFFERENT pair at rest ({@code D = M}), the natural threshold before any calibration.
     *
     * @param negativeMarginDissimilarity {@code M} in {@code D} units (see {@link
     *     io.contrastream.loss.ContrastiveLoss#negativeMarginDissimilarity()}), finite and {@code >
     *     0}
     */
    public static FixedThreshold marginHalf(double negativeMarginDissimilarity) {
        if (!(negativeMarginDissimilarity > 0) || Double.isInfinite(negativeMarginDissimilarity)) {
            throw new IllegalArgumentException(
                    "negative margin must be finite and > 0, got " + negativeMarginDissimilarity);
        }
        return new FixedThreshold(0.5 * negativeMarginDissimilarity);
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
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateFormat.writeHeader(out, STATE_NAME, STATE_VERSION);
        out.writeDouble(threshold);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateFormat.readHeader(in, STATE_NAME, STATE_VERSION);
        StateFormat.expectSetting(in, STATE_NAME, "threshold", threshold);
    }

    @Override
    public String toString() {
        return "FixedThreshold[" + threshold + "]";
    }
}
