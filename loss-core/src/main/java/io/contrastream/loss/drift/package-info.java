/**
 * Drift detection over a scalar stream, typically the model's prequential loss: {@link
 * io.contrastream.loss.drift.DriftDetector} with {@link
 * io.contrastream.loss.drift.PageHinkleyDetector} (a rise of the mean) and {@link
 * io.contrastream.loss.drift.AdwinDetector} (any change of the mean, with an adaptive window).
 * Detectors allocate nothing per observation and checkpoint through {@link
 * io.contrastream.loss.eval.StatefulComponent}.
 */
package io.contrastream.loss.drift;
