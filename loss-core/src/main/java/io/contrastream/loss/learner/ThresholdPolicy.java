package io.contrastream.loss.learner;

/**
 * How a model chooses the dissimilarity threshold that separates predicted SAME (below) from
 * predicted DIFFERENT (at or above).
 *
 * @param mode which rule
 * @param value the threshold for {@link Mode#FIXED}; ignored otherwise
 */
public record ThresholdPolicy(Mode mode, double value) implements java.io.Serializable {

    /** The rules. */
    public enum Mode {
        /** A number given by the user, in dissimilarity units. */
        FIXED,
        /** Half the negative margin: {@code m / 2}, or {@code (1 - eps) / 2} for cosine. */
        MARGIN_HALF,
        /** Chosen online to maximise F1 for the positive class over recent labelled pairs. */
        AUTO
    }

    /** Validates: a FIXED threshold must be finite and >= 0. */
    public ThresholdPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("threshold mode must be given");
        }
        if (mode == Mode.FIXED && !(value >= 0 && Double.isFinite(value))) {
            throw new IllegalArgumentException(
                    "alert-threshold must be finite and >= 0, got " + value);
        }
    }

    /** A fixed threshold. */
    public static ThresholdPolicy fixed(double value) {
        return new ThresholdPolicy(Mode.FIXED, value);
    }

    /** Half the negative margin. */
    public static ThresholdPolicy marginHalf() {
        return new ThresholdPolicy(Mode.MARGIN_HALF, Double.NaN);
    }

    /** The online calibrator. */
    public static ThresholdPolicy auto() {
        return new ThresholdPolicy(Mode.AUTO, Double.NaN);
    }
}
