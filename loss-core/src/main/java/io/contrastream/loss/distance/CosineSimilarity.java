package io.contrastream.loss.distance;

import java.util.Arrays;

/**
 * Cosine similarity {@code s = a . b / (|a| |b|)}, in [-1, 1].
 *
 * <p>Zero vectors: if either norm is below {@value #MIN_NORM}, the similarity is defined as 0 (no
 * direction, so neither alike nor opposite) and the gradient as zero for both sides. The function
 * is not differentiable there, and any other choice sends a gradient of order {@code 1 / |a|} that
 * blows up as {@code |a|} goes to zero.
 */
public final class CosineSimilarity implements Distance {

    /** Below this Euclidean norm a vector counts as zero. */
    public static final double MIN_NORM = 1e-12;

    @Override
    public double value(float[] a, float[] b) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            dot += x * y;
            aa += x * x;
            bb += y * y;
        }
        double na = Math.sqrt(aa);
        double nb = Math.sqrt(bb);
        if (na < MIN_NORM || nb < MIN_NORM) {
            return 0.0;
        }
        // Rounding can take |s| a hair past 1 for parallel vectors.
        return Math.max(-1.0, Math.min(1.0, dot / (na * nb)));
    }

    /**
     * {@code ds/da = b / (|a||b|) - s a / |a|^2}, and symmetrically for {@code b}. Uses the exact
     * quotient rather than the clamped {@code value}, so the two stay consistent near |s| = 1.
     */
    @Override
    public void gradient(
            float[] a, float[] b, double value, double upstream, float[] gradA, float[] gradB) {
        double dot = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            dot += x * y;
            aa += x * x;
            bb += y * y;
        }
        double na = Math.sqrt(aa);
        double nb = Math.sqrt(bb);
        if (na < MIN_NORM || nb < MIN_NORM) {
            Arrays.fill(gradA, 0, a.length, 0f);
            Arrays.fill(gradB, 0, b.length, 0f);
            return;
        }
        double inv = 1.0 / (na * nb);
        double s = dot * inv;
        double ca = upstream * s / aa;
        double cb = upstream * s / bb;
        double cu = upstream * inv;
        for (int i = 0; i < a.length; i++) {
            double x = a[i];
            double y = b[i];
            gradA[i] = (float) (cu * y - ca * x);
            gradB[i] = (float) (cu * x - cb * y);
        }
    }

    @Override
    public boolean isSimilarity() {
        return true;
    }

    @Override
    public String toString() {
        return "CosineSimilarity";
    }
}
