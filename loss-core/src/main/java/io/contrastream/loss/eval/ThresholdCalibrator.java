package io.contrastream.loss.eval;

import io.contrastream.loss.PairLabel;

/**
 * The decision threshold on the dissimilarity {@code D}: a pair is predicted SAME when {@code D <
 * threshold()}, DIFFERENT otherwise.
 *
 * <p>A calibrator may learn from labelled pairs given to {@link #observe}; implementations document
 * when {@link #threshold} changes. Both methods allocate nothing, except for the occasional
 * amortised work an implementation documents.
 */
public interface ThresholdCalibrator extends StatefulComponent {

    /** The current threshold in {@code D} units. */
    double threshold();

    /**
     * Learns from one labelled pair.
     *
     * @param dissimilarity the pair's {@code D}; NaN is refused with {@link
     *     IllegalArgumentException}
     */
    void observe(double dissimilarity, PairLabel label);
}
