package io.contrastream.loss.distance;

/**
 * The smoothed Euclidean distance {@code d = sqrt(||a - b||^2 + eps)}.
 *
 * <p>The {@code eps} (default {@value #DEFAULT_EPS}) is the form of the widely used numpy reference
 * implementation: it keeps the gradient {@code (a - b) / d} finite when {@code a == b}, where the
 * plain norm is not differentiable. The price is that {@code d} of two equal vectors is {@code
 * sqrt(eps)} = 1e-4, not 0; with {@code eps = 0} the plain norm is used and the gradient at {@code
 * a == b} is defined as zero.
 */
public final class EuclideanDistance implements Distance {

    /** The default smoothing term under the square root. */
    public static final double DEFAULT_EPS = 1e-8;

    private final double eps;

    /** A distance with the default {@code eps}. */
    public EuclideanDistance() {
        this(DEFAULT_EPS);
    }

    /**
     * @param eps the smoothing term, finite and at least 0
     */
    public EuclideanDistance(double eps) {
        if (!(eps >= 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and >= 0, got " + eps);
        }
        this.eps = eps;
    }

    /** The smoothing term under the square root. */
    public double eps() {
        return eps;
    }

    @Override
    public double value(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = (double) a[i] - b[i];
            sum += diff * diff;
        }
        return Math.sqrt(sum + eps);
    }

    @Override
    public void gradient(
            float[] a, float[] b, double value, double upstream, float[] gradA, float[] gradB) {
        double scale = value > 0 ? upstream / value : 0.0;
        for (int i = 0; i < a.length; i++) {
            float g = (float) (scale * ((double) a[i] - b[i]));
            gradA[i] = g;
            gradB[i] = -g;
        }
    }

    @Override
    public boolean isSimilarity() {
        return false;
    }

    @Override
    public String toString() {
        return "EuclideanDistance[eps=" + eps + "]";
    }
}
