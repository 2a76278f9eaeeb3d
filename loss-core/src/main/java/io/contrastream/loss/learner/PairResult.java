package io.contrastream.loss.learner;

/**
 * The outcome of scoring (and perhaps learning from) one pair. A mutable view owned by its {@link
 * OnlineLearner} and overwritten by the learner's next call: read it, or copy what you need, before
 * calling the learner again. That is what keeps the learner free of allocation per record.
 */
public final class PairResult {

    double value;
    double dissimilarity;
    double similarity;
    double threshold;
    double loss;
    double gradientNorm;
    UpdateOutcome outcome;
    boolean driftDetected;
    long modelVersion;

    PairResult() {}

    /**
     * The Euclidean distance (Euclidean loss) or the cosine similarity (cosine loss), from the
     * model as it stood before this pair's own update.
     */
    public double value() {
        return value;
    }

    /** The Euclidean distance, or {@code 1 - s} for cosine: what the threshold applies to. */
    public double dissimilarity() {
        return dissimilarity;
    }

    /** The cosine similarity for the cosine loss; NaN for the Euclidean loss. */
    public double similarity() {
        return similarity;
    }

    /** The decision threshold in force when the pair was scored, in dissimilarity units. */
    public double threshold() {
        return threshold;
    }

    /** True when the model predicts SAME: {@code dissimilarity < threshold}. */
    public boolean predictedSame() {
        return dissimilarity < threshold;
    }

    /** The prequential loss of a labelled pair (before its update); NaN when unlabelled. */
    public double loss() {
        return loss;
    }

    /** The gradient norm before clipping; NaN when unlabelled or when the loss was not finite. */
    public double gradientNorm() {
        return gradientNorm;
    }

    /** What became of the update. */
    public UpdateOutcome outcome() {
        return outcome;
    }

    /** True when the drift detector fired on this pair's loss. */
    public boolean driftDetected() {
        return driftDetected;
    }

    /** The number of updates the model had applied when this pair was scored. */
    public long modelVersion() {
        return modelVersion;
    }

    @Override
    public String toString() {
        return "PairResult[value="
                + value
                + ", dissimilarity="
                + dissimilarity
                + ", threshold="
                + threshold
                + ", loss="
                + loss
                + ", gradientNorm="
                + gradientNorm
                + ", outcome="
                + outcome
                + ", drift="
                + driftDetected
                + ", version="
                + modelVersion
                + "]";
    }
}
