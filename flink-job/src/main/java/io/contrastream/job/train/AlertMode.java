package io.contrastream.job.train;

import io.contrastream.loss.PairLabel;
import io.contrastream.schema.AlertKind;

/** What an alert means for the people watching: a change, or a duplicate. */
public enum AlertMode {
    /** Imagery change detection: alert when the pair is further apart than the threshold. */
    CHANGE(AlertKind.CHANGE, PairLabel.DIFFERENT),
    /** Duplicate detection: alert when the pair is closer than the threshold. */
    DUPLICATE(AlertKind.DUPLICATE, PairLabel.SAME);

    private final AlertKind kind;
    private final PairLabel positiveClass;

    AlertMode(AlertKind kind, PairLabel positiveClass) {
        this.kind = kind;
        this.positiveClass = positiveClass;
    }

    /** The kind of the alerts this mode raises. */
    public AlertKind kind() {
        return kind;
    }

    /** The label an alert claims: DIFFERENT for a change, SAME for a duplicate. */
    public PairLabel positiveClass() {
        return positiveClass;
    }

    /**
     * True when a pair at {@code dissimilarity} raises an alert: strictly above the threshold for
     * CHANGE, strictly below for DUPLICATE. A pair exactly at the threshold raises none.
     */
    public boolean alerts(double dissimilarity, double threshold) {
        return this == CHANGE ? dissimilarity > threshold : dissimilarity < threshold;
    }
}
