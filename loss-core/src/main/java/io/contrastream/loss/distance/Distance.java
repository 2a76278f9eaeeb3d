package io.contrastream.loss.distance;

/**
 * A comparison of two embeddings of equal length, with its gradient: a strategy that one {@link
 * io.contrastream.loss.ContrastiveLoss} body composes with its margins.
 *
 * <p>Implementations are stateless and allocate nothing. Callers guarantee equal lengths and finite
 * values (validation happens once, at the learner's boundary).
 */
public interface Distance {

    /**
     * The value for {@code a} and {@code b}: a distance, or a similarity if {@link #isSimilarity}.
     */
    double value(float[] a, float[] b);

    /**
     * Writes {@code upstream * d value / d a} into {@code gradA} and {@code upstream * d value / d
     * b} into {@code gradB} (overwriting them).
     *
     * @param value the result of {@link #value(float[], float[])} for the same arguments
     */
    void gradient(
            float[] a, float[] b, double value, double upstream, float[] gradA, float[] gradB);

    /** True when larger values mean more alike (cosine similarity); false for distances. */
    boolean isSimilarity();

    /**
     * The dissimilarity {@code D} of a value, the quantity thresholds and metrics work on: the
     * distance itself, or {@code 1 - s} for a similarity (so {@code D} lies in [0, 2] for cosine).
     */
    default double dissimilarity(double value) {
        return isSimilarity() ? 1.0 - value : value;
    }
}
