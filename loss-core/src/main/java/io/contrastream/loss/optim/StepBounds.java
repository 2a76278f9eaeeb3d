package io.contrastream.loss.optim;

/**
 * Running upper bounds on the magnitudes of a model's parameters and optimiser state, with which an
 * optimiser can prove that its next step makes no value NaN or infinite, before taking it. The
 * learner then needs no backup copy and no finiteness pass for that step (see {@link
 * Optimizer#provablyFinite}).
 *
 * <p>A bound is a {@code double} {@code >=} the largest magnitude of the values it covers, or NaN
 * when unknown: the owner calls {@link #forget} after any write the bounds did not follow (a
 * restore, a rolled-back or unproven step), and the next proof measures the arrays afresh.
 */
public final class StepBounds {

    /**
     * Below this, every value's step is far from float overflow ({@code Float.MAX_VALUE} is about
     * 3.4e38): the bounds' own rounding slack is irrelevant at that distance.
     */
    public static final double SAFE_MAGNITUDE = 1e30;

    /**
     * Growth per bounded step for the float roundings inside it (each at most a relative 2^-24; no
     * step here rounds more than a dozen times in a chain).
     */
    static final double ROUNDING = 1 + 1e-6;

    /** A bound on {@code max |params[i]|}, or NaN. */
    public double params = Double.NaN;

    /** A bound on the first block of optimiser state (Adam's {@code m}), or NaN. */
    double first = Double.NaN;

    /** A bound on the second block of optimiser state (Adam's {@code v}), or NaN. */
    double second = Double.NaN;

    /** Marks every bound unknown. */
    public void forget() {
        params = Double.NaN;
        first = Double.NaN;
        second = Double.NaN;
    }

    /** The largest magnitude in {@code values[from .. to)} (NaN if one is NaN; 0 if empty). */
    public static double maxAbs(float[] values, int from, int to) {
        float m0 = 0;
        float m1 = 0;
        int i = from;
        for (; i + 1 < to; i += 2) {
            m0 = Math.max(m0, Math.abs(values[i]));
            m1 = Math.max(m1, Math.abs(values[i + 1]));
        }
        if (i < to) {
            m0 = Math.max(m0, Math.abs(values[i]));
        }
        return Math.max(m0, m1);
    }

    /** True when {@code bound} is known and below {@link #SAFE_MAGNITUDE}. */
    static boolean safe(double bound) {
        return bound < SAFE_MAGNITUDE;
    }
}
