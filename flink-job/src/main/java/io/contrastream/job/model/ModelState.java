package io.contrastream.job.model;

import io.contrastream.loss.learner.OnlineLearner;

/**
 * What the trainer keeps per model key: the learner (parameters, optimiser state, calibrator, drift
 * detector, metrics window, counters) and the engine's own bookkeeping around it: the event times
 * spanned by the open metrics window, the number of alerts raised, which makes alert ids unique and
 * stable across restarts, and the {@link RecentEventIds} it accepted, which refuse a repeated
 * event. Serialised by {@link ModelStateSerializer}.
 */
public final class ModelState {

    /** No event in the open window yet. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private final OnlineLearner learner;
    private long windowStart;
    private long windowEnd;
    private long alerts;
    private RecentEventIds recentEventIds;

    /** A new model's state around a new learner, remembering its last {@code dedupeWindow} ids. */
    public ModelState(OnlineLearner learner, int dedupeWindow) {
        this(learner, NO_TIME, NO_TIME, 0, new RecentEventIds(dedupeWindow));
    }

    ModelState(
            OnlineLearner learner,
            long windowStart,
            long windowEnd,
            long alerts,
            RecentEventIds recentEventIds) {
        this.learner = learner;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
        this.alerts = alerts;
        this.recentEventIds = recentEventIds;
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

    /**
     * The ids this model accepted most recently, in a window of {@code dedupeWindow}: a state
     * restored from another setting (or from format 1, which kept none) is resized here, keeping
     * its newest ids.
     */
    public RecentEventIds recentEventIds(int dedupeWindow) {
        if (recentEventIds.capacity() != dedupeWindow) {
            recentEventIds = recentEventIds.resized(dedupeWindow);
        }
        return recentEventIds;
    }

    /** The ids as stored, whatever their window. */
    RecentEventIds recentEventIds() {
        return recentEventIds;
    }

    /** Counts one more alert and returns its 1-based number. */
    public long nextAlert() {
        return ++alerts;
    }
}
