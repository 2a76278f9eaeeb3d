package io.contrastream.loss;

import io.contrastream.loss.distance.CosineSimilarity;
import io.contrastream.loss.distance.Distance;
import io.contrastream.loss.distance.EuclideanDistance;

/**
 * The pairwise contrastive loss of Hadsell, Chopra and LeCun (2006), and its cosine form, as one
 * loss body over an injected {@link Distance}.
 *
 * <p>With {@code y = 1} for SAME and {@code 0} for DIFFERENT:
 *
 * <ul>
 *   <li>Euclidean: {@code L = 1/2 [ y max(0, d - p)^2 + (1 - y) max(0, m - d)^2 ]}
 *   <li>cosine: {@code L = 1/2 [ y max(0, (1 - s) - p)^2 + (1 - y) max(0, s - eps)^2 ]}
 * </ul>
 *
 * where {@code m} is the margin, {@code eps} the cosine margin and {@code p} the positive margin:
 * SAME pairs are penalised only beyond it, and {@code p = 0} gives the paper's form ({@code y d^2},
 * {@code y (1 - s)^2}). Both are one formula in the dissimilarity {@code D} ({@code d}, or {@code 1
 * - s}): {@code L = 1/2 [ y max(0, D - p)^2 + (1 - y) max(0, M - D)^2 ]} with {@code M = m} or
 * {@code M = 1 - eps}.
 *
 * <p>Edge cases: at {@code D = M} a DIFFERENT pair has loss 0 and derivative 0 (the hinge is taken
 * as inactive at its corner); at {@code D = 0} a SAME pair has loss 0 and derivative 0. Immutable
 * and thread-safe.
 */
public final class ContrastiveLoss {

    /** The two forms of the loss. */
    public enum Form {
        /** Over the Euclidean distance; the margin is a distance. */
        EUCLIDEAN,
        /**
         * Over cosine similarity; the margin is the similarity below which DIFFERENT pairs rest.
         */
        COSINE
    }

    private final Form form;
    private final Distance distance;
    private final double margin;
    private final double positiveMargin;

    /** The negative margin in dissimilarity units: {@code m}, or {@code 1 - eps}. */
    private final double negativeMarginD;

    private ContrastiveLoss(Form form, Distance distance, double margin, double positiveMargin) {
        this.form = form;
        this.distance = distance;
        this.margin = margin;
        this.positiveMargin = positiveMargin;
        this.negativeMarginD = form == Form.COSINE ? 1.0 - margin : margin;
    }

    /**
     * The Euclidean form over {@code sqrt(||a - b||^2 + 1e-8)}.
     *
     * @param margin {@code m > 0}: DIFFERENT pairs closer than this are pushed apart
     * @param positiveMargin {@code p >= 0}: SAME pairs further apart than this are pulled together
     */
    public static ContrastiveLoss euclidean(double margin, double positiveMargin) {
        return euclidean(new EuclideanDistance(), margin, positiveMargin);
    }

    /** The Euclidean form over a given Euclidean distance (for another smoothing {@code eps}). */
    public static ContrastiveLoss euclidean(
            EuclideanDistance distance, double margin, double positiveMargin) {
        if (!(margin > 0) || Double.isInfinite(margin)) {
            throw new IllegalArgumentException("margin must be finite and > 0, got " + margin);
        }
        checkPositiveMargin(positiveMargin);
        return new ContrastiveLoss(Form.EUCLIDEAN, distance, margin, positiveMargin);
    }

    /**
     * The cosine form.
     *
     * @param cosineMargin {@code eps} in [-1, 1): DIFFERENT pairs with a similarity above it are
     *     pushed apart
     * @param positiveMargin {@code p >= 0}: SAME pairs with {@code 1 - s > p} are pulled together
     */
    public static ContrastiveLoss cosine(double cosineMargin, double positiveMargin) {
        if (!(cosineMargin >= -1 && cosineMargin < 1)) {
            throw new IllegalArgumentException(
                    "cosine margin must be in [-1, 1), got " + cosineMargin);
        }
        checkPositiveMargin(positiveMargin);
        return new ContrastiveLoss(
                Form.COSINE, new CosineSimilarity(), cosineMargin, positiveMargin);
    }

    private static void checkPositiveMargin(double positiveMargin) {
        if (!(positiveMargin >= 0) || Double.isInfinite(positiveMargin)) {
            throw new IllegalArgumentException(
                    "positive margin must be finite and >= 0, got " + positiveMargin);
        }
    }

    /** Which form this is. */
    public Form form() {
        return form;
    }

    /** The distance this loss is computed over. */
    public Distance distance() {
        return distance;
    }

    /** The margin {@code m} (Euclidean) or cosine margin {@code eps} (cosine). */
    public double margin() {
        return margin;
    }

    /** The positive margin {@code p}; 0 is the paper's form. */
    public double positiveMargin() {
        return positiveMargin;
    }

    /**
     * The negative margin in dissimilarity units ({@code m}, or {@code 1 - eps}): DIFFERENT pairs
     * with a dissimilarity below it are "active" and feel a push.
     */
    public double negativeMarginDissimilarity() {
        return negativeMarginD;
    }

    /** The loss for a pair whose distance (or similarity) is {@code value}. */
    public double loss(PairLabel label, double value) {
        double d = distance.dissimilarity(value);
        if (label == PairLabel.SAME) {
            double excess = Math.max(0.0, d - positiveMargin);
            return 0.5 * excess * excess;
        }
        double shortfall = Math.max(0.0, negativeMarginD - d);
        return 0.5 * shortfall * shortfall;
    }

    /** {@code dL / d value}: the derivative with respect to the distance (or similarity). */
    public double derivative(PairLabel label, double value) {
        double d = distance.dissimilarity(value);
        double dLdD =
                label == PairLabel.SAME
                        ? Math.max(0.0, d - positiveMargin)
                        : -Math.max(0.0, negativeMarginD - d);
        return distance.isSimilarity() ? -dLdD : dLdD;
    }

    /**
     * The loss of embeddings {@code a} and {@code b}, with {@code dL/da} and {@code dL/db} written
     * into {@code gradA} and {@code gradB}. Allocates nothing.
     *
     * @return the loss
     */
    public double lossAndGradient(
            float[] a, float[] b, PairLabel label, float[] gradA, float[] gradB) {
        double value = distance.value(a, b);
        distance.gradient(a, b, value, derivative(label, value), gradA, gradB);
        return loss(label, value);
    }

    @Override
    public String toString() {
        return "ContrastiveLoss["
                + form
                + ", margin="
                + margin
                + ", positiveMargin="
                + positiveMargin
                + ", "
                + distance
                + "]";
    }
}
