/**
 * Streaming evaluation of a pair model on the dissimilarity {@code D} of each pair (a distance, or
 * {@code 1 - s} for cosine similarity): a pair is predicted SAME when {@code D < threshold}.
 *
 * <ul>
 *   <li>{@link io.contrastream.loss.eval.PrequentialWindow}: test-then-train metrics over a
 *       tumbling window (loss, class means, confusion counts, precision/recall/F1, AUC, update
 *       statistics).
 *   <li>{@link io.contrastream.loss.eval.HistogramAuc}: ROC-AUC in constant memory, with an exact
 *       bound on its binning error.
 *   <li>{@link io.contrastream.loss.eval.ThresholdCalibrator}: where the threshold comes from;
 *       {@link io.contrastream.loss.eval.FixedThreshold} or {@link
 *       io.contrastream.loss.eval.OnlineThresholdCalibrator} over recent labelled pairs.
 *   <li>{@link io.contrastream.loss.eval.StatefulComponent}: the checkpoint contract these classes
 *       and the drift detectors share, with {@link io.contrastream.loss.eval.StateFormat} helpers.
 *   <li>Offline, exact, for evaluating a finished model ({@code contrastream evaluate}): {@link
 *       io.contrastream.loss.eval.RocAuc} (Mann-Whitney, ties 1/2) and {@link
 *       io.contrastream.loss.eval.NearestNeighbour} (1-nearest-neighbour accuracy under a distance,
 *       ties shared).
 * </ul>
 *
 * <p>Every streaming class here allocates nothing per observation; the two offline ones hold whole
 * arrays. Means over an empty set are NaN.
 */
package io.contrastream.loss.eval;
