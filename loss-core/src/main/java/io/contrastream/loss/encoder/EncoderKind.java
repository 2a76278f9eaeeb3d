package io.contrastream.loss.encoder;

/** The architectures {@link EncoderConfig#create} builds. */
public enum EncoderKind {
    /**
     * {@link IdentityEncoder}: the raw input, no parameters; the embedding length is the input's.
     */
    IDENTITY,
    /** {@link LinearEncoder}: {@code W x + b}. */
    LINEAR,
    /** {@link MlpEncoder}: {@code W2 relu(W1 x + b1) + b2}, one hidden layer. */
    MLP
}
