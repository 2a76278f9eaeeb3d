package io.contrastream.loss.learner;

/**
 * Which drift detector watches a model's prequential loss, and its settings.
 *
 * @param kind the detector, or NONE
 * @param delta Page-Hinkley's tolerated change of the mean, or ADWIN's confidence parameter
 * @param lambda Page-Hinkley's detection threshold (ignored by ADWIN)
 */
public record DriftPolicy(Kind kind, double delta, double lambda) implements java.io.Serializable {

    /** The detectors on offer. */
    public enum Kind {
        /** No drift detection. */
        NONE,
        /** Page-Hinkley: a rise of the mean loss. */
        PAGE_HINKLEY,
        /** ADWIN: a change of the mean loss either way, with a self-sizing window. */
        ADWIN
    }

    /** Validates the settings the chosen detector uses. */
    public DriftPolicy {
        if (kind == null) {
            throw new IllegalArgumentException("drift detector must be given");
        }
        if (kind == Kind.PAGE_HINKLEY) {
            if (!(delta >= 0 && Double.isFinite(delta))) {
                throw new IllegalArgumentException(
                        "drift-delta must be finite and >= 0, got " + delta);
            }
            if (!(lambda > 0 && Double.isFinite(lambda))) {
                throw new IllegalArgumentException(
                        "drift-lambda must be finite and > 0, got " + lambda);
            }
        }
        if (kind == Kind.ADWIN && !(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("drift-delta must be in (0, 1), got " + delta);
        }
    }

    /** Page-Hinkley with River's defaults: delta 0.005, lambda 50. */
    public static DriftPolicy pageHinkley() {
        return new DriftPolicy(Kind.PAGE_HINKLEY, 0.005, 50);
    }

    /** ADWIN with delta 0.002. */
    public static DriftPolicy adwin() {
        return new DriftPolicy(Kind.ADWIN, 0.002, Double.NaN);
    }

    /** No detector. */
    public static DriftPolicy none() {
        return new DriftPolicy(Kind.NONE, Double.NaN, Double.NaN);
    }
}
