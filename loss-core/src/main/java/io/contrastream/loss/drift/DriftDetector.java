package io.contrastream.loss.drift;

import io.contrastream.loss.eval.StatefulComponent;

/**
 * A detector of change in the distribution of a scalar stream, such as the prequential loss.
 *
 * <p>Non-finite values (NaN, infinities) are ignored: {@link #update} returns false and the state
 * does not change, so one diverged loss neither raises nor masks an alarm. Implementations allocate
 * nothing in {@link #update}.
 */
public interface DriftDetector extends StatefulComponent {

    /**
     * Adds one observation.
     *
     * @return true if drift is detected at this observation
     */
    boolean update(double x);

    /**
     * After {@link #update} returned true: whether the change was a rise of the mean (for a loss
     * stream: things got worse). Undefined at any other time.
     */
    boolean lastChangeWasIncrease();

    /** Detections since construction or the last {@link #reset()}. */
    long detections();

    /** Returns to the state of a newly constructed detector, detection count included. */
    void reset();
}
