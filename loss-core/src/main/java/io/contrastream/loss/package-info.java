/**
 * The contrastive-learning kernel, in plain Java with no dependency: what a pair is ({@link
 * io.contrastream.loss.PairLabel}, read from outside conventions by {@link
 * io.contrastream.loss.LabelConvention}) and the loss it is learned with ({@link
 * io.contrastream.loss.ContrastiveLoss}).
 *
 * <p>Sub-packages, in the order a pair meets them: {@code encoder} maps features to embeddings,
 * {@code distance} compares two embeddings, {@code optim} turns gradients into updates, {@code
 * learner} runs one model prequentially and stores it as bytes, {@code eval} keeps the streaming
 * metrics and the threshold, {@code drift} watches the loss for change, and {@code data} draws
 * pairs from labelled rows for tests, demos and benchmarks.
 */
package io.contrastream.loss;
