package io.contrastream.loss.scale;

import io.contrastream.loss.eval.StateFormat;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One model's input standardisation: running per-feature mean and variance, and the transform
 * {@code z_i = (x_i - mean_i) * scale_i} with {@code scale_i = 1 / sqrt(max(var_i, floor *
 * meanVar))}, where {@code meanVar} is the mean of the variances over all features.
 *
 * <p>Estimates, per item observed ({@code n} counts items; a labelled pair gives two): {@code a =
 * 1/n} (FROZEN, and DECAYING until {@code n} reaches {@code 2 window}) or {@code 1 / (2 window)}
 * (DECAYING after that), {@code d = x - mean}, {@code mean += a d}, {@code var = (1 - a) (var + a
 * d^2)}. With {@code a = 1/n} these are the exact population mean and variance of the items seen
 * (Welford's recurrence); after it, exponentially weighted ones (Finch, 2009). FROZEN stops after
 * {@code 2 window} items.
 *
 * <p>Edge cases: before any item, the transform is the identity. A feature whose variance is 0
 * while every other feature's is too (all items so far identical) is scaled by 1. Statistics are
 * doubles; the transformed values are rounded to float once. A statistics set given from outside
 * ({@link #pin}) is fixed for good: the model was trained elsewhere on inputs transformed that way.
 * Not thread-safe; allocates nothing after construction.
 */
public final class InputStandardizer {

    private static final String COMPONENT = "standardizer";
    private static final int STATE_VERSION = 1;

    private final Standardization policy;
    private final int dim;
    private final double[] mean;
    private final double[] variance;
    private final double[] scale;
    private long items;
    private boolean pinned;

    /**
     * @param policy the settings
     * @param dim the number of features, {@code >= 1}
     */
    public InputStandardizer(Standardization policy, int dim) {
        if (dim < 1) {
            throw new IllegalArgumentException("input dimension must be >= 1, got " + dim);
        }
        this.policy = policy;
        this.dim = dim;
        this.mean = new double[dim];
        this.variance = new double[dim];
        this.scale = new double[dim];
        java.util.Arrays.fill(scale, 1.0);
    }

    /** Whether the statistics still change with the items observed. */
    public boolean learning() {
        if (!policy.enabled() || pinned) {
            return false;
        }
        return policy.mode() == Standardization.Mode.DECAYING || items < 2 * policy.window();
    }

    /** Whether the transform was fixed from outside by {@link #pin}. */
    public boolean pinned() {
        return pinned;
    }

    /** Items observed so far (two per labelled pair). */
    public long items() {
        return items;
    }

    /**
     * Adds an item to the statistics (nothing when they no longer learn). Call {@link #refresh()}
     * after the items of a pair, before the next {@link #transform}.
     */
    public void observe(float[] x) {
        if (!learning()) {
            return;
        }
        items++;
        double a = 1.0 / items;
        if (policy.mode() == Standardization.Mode.DECAYING) {
            a = Math.max(a, 1.0 / (2.0 * policy.window()));
        }
        double keep = 1.0 - a;
        for (int i = 0; i < dim; i++) {
            double d = x[i] - mean[i];
            mean[i] += a * d;
            variance[i] = keep * (variance[i] + a * d * d);
        }
    }

    /** Recomputes the scales from the statistics. */
    public void refresh() {
        if (pinned) {
            return;
        }
        if (items == 0) {
            java.util.Arrays.fill(scale, 1.0);
            return;
        }
        double meanVariance = 0;
        for (int i = 0; i < dim; i++) {
            meanVariance += variance[i];
        }
        meanVariance /= dim;
        double least = policy.floor() * meanVariance;
        for (int i = 0; i < dim; i++) {
            double v = Math.max(variance[i], least);
            scale[i] = v > 0 ? 1.0 / Math.sqrt(v) : 1.0;
        }
    }

    /** Writes the standardised {@code x} into {@code z} (both of the input dimension). */
    public void transform(float[] x, float[] z) {
        for (int i = 0; i < dim; i++) {
            z[i] = (float) ((x[i] - mean[i]) * scale[i]);
        }
    }

    /** A copy of the per-feature means. */
    public double[] meanCopy() {
        return mean.clone();
    }

    /**
     * A copy of the per-feature scales the transform multiplies by (after subtracting the mean).
     */
    public double[] scaleCopy() {
        return scale.clone();
    }

    /**
     * Fixes the transform to {@code z = (x - mean) * scale} for good, as a model trained elsewhere
     * expects (the identity, for a model trained on raw inputs, is {@code mean = 0, scale = 1}).
     *
     * @throws IllegalArgumentException if a length is not the input dimension, or a value is not
     *     finite, or a scale is not {@code > 0}
     */
    public void pin(double[] newMean, double[] newScale) {
        if (newMean.length != dim || newScale.length != dim) {
            throw new IllegalArgumentException(
                    "standardisation statistics have "
                            + newMean.length
                            + " means and "
                            + newScale.length
                            + " scales; the model has "
                            + dim
                            + " features");
        }
        for (int i = 0; i < dim; i++) {
            if (!Double.isFinite(newMean[i])
                    || !(newScale[i] > 0)
                    || Double.isInfinite(newScale[i])) {
                throw new IllegalArgumentException(
                        "standardisation of feature "
                                + i
                                + " has mean "
                                + newMean[i]
                                + " and scale "
                                + newScale[i]
                                + "; means must be finite and scales finite and > 0");
            }
        }
        System.arraycopy(newMean, 0, mean, 0, dim);
        System.arraycopy(newScale, 0, scale, 0, dim);
        java.util.Arrays.fill(variance, Double.NaN);
        pinned = true;
    }

    /** Writes the statistics; the settings are written too and checked on reading. */
    public void writeState(DataOutput out) throws IOException {
        StateFormat.writeHeader(out, COMPONENT, STATE_VERSION);
        out.writeUTF(policy.mode().name());
        out.writeLong(policy.window());
        out.writeDouble(policy.floor());
        out.writeInt(dim);
        out.writeLong(items);
        out.writeBoolean(pinned);
        for (int i = 0; i < dim; i++) {
            out.writeDouble(mean[i]);
            out.writeDouble(variance[i]);
            out.writeDouble(scale[i]);
        }
    }

    /**
     * Reads statistics written by {@link #writeState} for the same settings and dimension.
     *
     * @throws IOException if they were written for other settings, another dimension, or another
     *     format
     */
    public void readState(DataInput in) throws IOException {
        StateFormat.readHeader(in, COMPONENT, STATE_VERSION);
        String mode = in.readUTF();
        if (!mode.equals(policy.mode().name())) {
            throw new IOException(
                    COMPONENT
                            + " state was written for mode "
                            + mode
                            + ", configured "
                            + policy.mode());
        }
        StateFormat.expectSetting(in, COMPONENT, "window", policy.window());
        StateFormat.expectSetting(in, COMPONENT, "floor", policy.floor());
        int storedDim = in.readInt();
        if (storedDim != dim) {
            throw new IOException(
                    COMPONENT + " state has " + storedDim + " features, the model " + dim);
        }
        long storedItems = in.readLong();
        if (storedItems < 0) {
            throw new IOException(COMPONENT + " state has a negative item count " + storedItems);
        }
        items = storedItems;
        pinned = in.readBoolean();
        for (int i = 0; i < dim; i++) {
            mean[i] = in.readDouble();
            variance[i] = in.readDouble();
            scale[i] = in.readDouble();
        }
    }
}
