package io.contrastream.loss.optim;

/**
 * The learning rate of each update of an endless stream: a linear warm-up, then constant or
 * inverse-square-root decay.
 *
 * <pre>
 * warm-up  (t <= warmup):  rate(t) = base * t / warmup
 * CONSTANT (t >  warmup):  rate(t) = base
 * INVERSE_SQRT (t > warmup): rate(t) = base * sqrt(warmup / t)
 * </pre>
 *
 * {@code t} is the 1-based number of the update (applied updates only: a skipped update does not
 * advance it). Inverse-square-root decay never reaches zero, so a model keeps adapting to drift
 * however long it has run, at a rate that falls as its estimate firms up; it needs a warm-up of at
 * least one update, which sets where the decay starts.
 *
 * @param decay CONSTANT or INVERSE_SQRT after the warm-up
 * @param warmup updates of linear warm-up, {@code >= 0}; 0 starts at the base rate (CONSTANT only)
 */
public record LearningRateSchedule(Decay decay, long warmup) implements java.io.Serializable {

    /** What follows the warm-up. */
    public enum Decay {
        /** The base rate for ever. */
        CONSTANT,
        /** {@code base * sqrt(warmup / t)}. */
        INVERSE_SQRT
    }

    /** Validates the settings; each message names the setting. */
    public LearningRateSchedule {
        if (decay == null) {
            throw new IllegalArgumentException("lr-schedule must be given");
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("lr-warmup must be >= 0, got " + warmup);
        }
        if (decay == Decay.INVERSE_SQRT && warmup < 1) {
            throw new IllegalArgumentException(
                    "lr-schedule inverse_sqrt needs lr-warmup >= 1 (where the decay starts), got "
                            + warmup);
        }
    }

    /** The base rate from the first update to the last: the reference configuration's. */
    public static LearningRateSchedule constant() {
        return new LearningRateSchedule(Decay.CONSTANT, 0);
    }

    /** Whether every update uses the base rate. */
    public boolean isConstant() {
        return decay == Decay.CONSTANT && warmup == 0;
    }

    /**
     * The rate of update {@code t}.
     *
     * @param base the optimiser's learning rate
     * @param t the 1-based number of the update
     */
    public double rate(double base, long t) {
        if (t <= warmup) {
            return base * ((double) t / warmup);
        }
        if (decay == Decay.INVERSE_SQRT) {
            return base * Math.sqrt((double) warmup / t);
        }
        return base;
    }
}
