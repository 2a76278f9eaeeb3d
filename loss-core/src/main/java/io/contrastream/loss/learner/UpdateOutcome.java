package io.contrastream.loss.learner;

/** What became of the update a pair could have caused. */
public enum UpdateOutcome {
    /** The pair had no label: scored, never learned from. */
    NOT_LABELLED,
    /** The update was applied; the model version went up by one. */
    APPLIED,
    /** The distance or the loss was NaN or infinite: nothing changed. */
    SKIPPED_NON_FINITE_LOSS,
    /** The gradient had a NaN or infinite entry, or its norm overflowed: nothing changed. */
    SKIPPED_NON_FINITE_GRADIENT,
    /**
     * The step would have made a parameter or an optimiser state value NaN or infinite (a learning
     * rate far too large, typically): it was rolled back, nothing changed.
     */
    SKIPPED_NON_FINITE_PARAMETERS;

    /** True for the three skipped outcomes. */
    public boolean skipped() {
        return this != NOT_LABELLED && this != APPLIED;
    }
}
