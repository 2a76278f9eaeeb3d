package io.contrastream.loss.scale;

/**
 * How a model standardises its inputs: per feature, {@code z = (x - mean) / sqrt(var + floor)},
 * with the mean and variance estimated online from the items of the labelled pairs the model learns
 * from.
 *
 * @param mode none, frozen after a warm-up, or decaying
 * @param window for FROZEN, the labelled pairs whose items are averaged before the statistics
 *     freeze; for DECAYING, the effective memory in labelled pairs: the statistics are exact
 *     running averages until {@code window} pairs, then exponential averages with weight {@code 1 /
 *     (2 window)} per item (each pair has two items). NONE keeps 0 (and the default floor),
 *     whatever is given; otherwise {@code >= 1}
 * @param floor the variance floor, relative to the mean variance over all features: a feature whose
 *     variance is below {@code floor * meanVariance} is divided by the square root of that instead,
 *     so that a feature seen almost constant (a corner pixel) is not blown up by a tiny spread.
 *     Relative, so that scaling every feature by the same factor changes nothing. In {@code [0, 1]}
 */
public record Standardization(Mode mode, long window, double floor)
        implements java.io.Serializable {

    /** The modes on offer. */
    public enum Mode {
        /** Inputs are used as they come. */
        NONE,
        /** Running mean and variance over the first {@code window} labelled pairs, then fixed. */
        FROZEN,
        /**
         * Running mean and variance that keep following the stream with a memory of {@code window}.
         */
        DECAYING
    }

    /**
     * The default relative variance floor, 1: every feature is centred on its own mean and all are
     * divided by one running scale, the root of their mean variance. Measured on digits, where all
     * features share a unit (pixels): dividing each pixel by its own spread blows up border pixels
     * that are almost always dark, and costs ROC-AUC (README "Learning quality"). Features in
     * unrelated units want a floor near 0.
     */
    public static final double DEFAULT_FLOOR = 1.0;

    /** The default window: 10,000 labelled pairs. */
    public static final long DEFAULT_WINDOW = 10_000;

    /** Validates the settings; each message names the setting. */
    public Standardization {
        if (mode == null) {
            throw new IllegalArgumentException("standardize must be given");
        }
        if (mode != Mode.NONE && window < 1) {
            throw new IllegalArgumentException(
                    "standardize-window must be >= 1 pair, got " + window);
        }
        if (!(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException("standardize-floor must be in [0, 1], got " + floor);
        }
        if (mode == Mode.NONE) {
            // Window and floor mean nothing without standardisation: one canonical NONE.
            window = 0;
            floor = DEFAULT_FLOOR;
        }
    }

    /** No standardisation (the reference configuration's). */
    public static Standardization none() {
        return new Standardization(Mode.NONE, 0, DEFAULT_FLOOR);
    }

    /** Decaying statistics with the default window and floor. */
    public static Standardization decaying() {
        return new Standardization(Mode.DECAYING, DEFAULT_WINDOW, DEFAULT_FLOOR);
    }

    /** A copy with another mode, keeping window and floor (a window of 0 becomes the default). */
    public Standardization withMode(Mode value) {
        return new Standardization(
                value, value != Mode.NONE && window < 1 ? DEFAULT_WINDOW : window, floor);
    }

    /** Whether inputs are transformed at all. */
    public boolean enabled() {
        return mode != Mode.NONE;
    }
}
