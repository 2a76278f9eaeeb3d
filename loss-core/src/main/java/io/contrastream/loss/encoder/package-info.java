/**
 * Encoders: the embedding functions {@code f(x)} that the contrastive loss trains, with their
 * backward passes.
 *
 * <p>{@link io.contrastream.loss.encoder.Encoder} is the strategy; {@link
 * io.contrastream.loss.encoder.IdentityEncoder} (raw features), {@link
 * io.contrastream.loss.encoder.LinearEncoder} ({@code W x + b}) and {@link
 * io.contrastream.loss.encoder.MlpEncoder} (one ReLU hidden layer) implement it, and {@link
 * io.contrastream.loss.encoder.NormalizedEncoder} decorates any of them with L2 normalisation.
 * {@link io.contrastream.loss.encoder.EncoderConfig} is the validated setting a model is built
 * from, and {@link io.contrastream.loss.encoder.Initialization} the seeded starting schemes.
 *
 * <p>Encoders hold only shapes. Parameters live in one flat {@code float[]} per model (layouts are
 * documented per class, in PyTorch's {@code nn.Linear} order), scratch in {@link
 * io.contrastream.loss.encoder.Activations} made once per model and side, and gradients are added
 * into a buffer the caller owns. {@code forward} and {@code backward} allocate nothing and check
 * nothing: input is validated once, at the learner's boundary.
 */
package io.contrastream.loss.encoder;
