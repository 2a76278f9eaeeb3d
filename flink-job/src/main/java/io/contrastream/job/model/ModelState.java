package io.contrastream.job.model;

import io.contrastream.loss.learner.OnlineLearner;

/**
 * What the trainer keeps per model key: the learner (parameters, optimiser state, calibrator, drift
 * detector, metrics window, counters) and the engine's own bookkeeping around it: the event times
 * spanned by the open metrics window and the number of alerts raised, which makes alert ids unique
 * and stable across restarts. Serialised by {@link ModelStateSerializer}.
 */
public final class ModelState {

    /** No event in the open window yet. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private final OnlineLearner learner;
    private long windowStart;
    private long windowEnd;
    private long alerts;

    /** A new model's state around a new learner. */
    public ModelState(OnlineLearner learner) {
        this(learner, NO_TIME, NO_TIME, 0);
    }

    ModelState(OnlineLearner learner, long windowStart, long windowEnd, long alerts) {
        this.learner = learner;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.alerts = alerts;
    }

    public OnlineLearner learner() {
        return learner;
    }

    /** Event time of the first pair in the open metrics window, or {@link #NO_TIME}. */
    public long windowStart() {
        return windowStart;
    }

    /** Event time of the last pair in the open metrics window, or {@link #NO_TIME}. */
    public long windowEnd() {
        return windowEnd;
    }

    /** Widens the open window to include a pair's event time. */
    public void include(long eventTime) {
        if (windowStart == NO_TIME) {
            windowStart = eventTime;
            windowEnd = eventTime;
        } else {
            windowStart = Math.min(windowStart, eventTime);
            windowEnd = Math.max(windowEnd, eventTime);
        }
    }

    /** Closes the window: the learner's accumulators and the time span start again. */
    public void resetWindow() {
        learner.window().reset();
        windowStart = NO_TIME;
        windowEnd = NO_TIME;
    }

    /** Alerts raised so far by this model. */
    public long alerts() {
        return alerts;
    }

    /** Counts one more alert and returns its 1-based number. */
    public long nextAlert() {
        return ++alerts;
    }
}
