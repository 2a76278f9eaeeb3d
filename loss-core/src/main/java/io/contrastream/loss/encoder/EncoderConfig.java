package io.contrastream.loss.encoder;

/**
 * What encoder a model uses, checked once when built; {@link #create} turns it into an {@link
 * Encoder} for a given input length.
 *
 * @param kind the architecture; not null
 * @param embeddingDim the embedding length, {@code > 0} for {@link EncoderKind#LINEAR} and {@link
 *     EncoderKind#MLP}; ignored (and not checked) for {@link EncoderKind#IDENTITY}, whose embedding
 *     is the input. Reference configuration: 32.
 * @param hiddenDim the number of hidden ReLU units, {@code > 0} for {@link EncoderKind#MLP};
 *     ignored (and not checked) otherwise
 * @param normalize whether to L2-normalise the embedding ({@link NormalizedEncoder}). Reference
 *     configuration: false.
 * @param init how parameters start; not null (also for identity, which has none, so that a
 *     configuration is never half-specified). Reference configuration: {@link
 *     Initialization#PYTORCH_UNIFORM}.
 */
public record EncoderConfig(
        EncoderKind kind, int embeddingDim, int hiddenDim, boolean normalize, Initialization init)
        implements java.io.Serializable {

    /** Validates every setting that matters for {@code kind}, naming the first bad one. */
    public EncoderConfig {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (init == null) {
            throw new IllegalArgumentException("init must not be null");
        }
        if (kind != EncoderKind.IDENTITY && embeddingDim <= 0) {
            throw new IllegalArgumentException(
                    "embeddingDim must be > 0, got " + embeddingDim + " (kind " + kind + ")");
        }
        if (kind == EncoderKind.MLP && hiddenDim <= 0) {
            throw new IllegalArgumentException(
                    "hiddenDim must be > 0 for an MLP encoder, got " + hiddenDim);
        }
    }

    /**
     * The reference configuration of the learning-quality protocol: linear to 32 dimensions,
     * PyTorch's default initialisation, no normalisation.
     */
    public static EncoderConfig reference() {
        return new EncoderConfig(EncoderKind.LINEAR, 32, 0, false, Initialization.PYTORCH_UNIFORM);
    }

    /**
     * Builds the encoder for inputs of length {@code inputDim}: for identity, output length {@code
     * inputDim}; otherwise {@code embeddingDim}. Wrapped in a {@link NormalizedEncoder} when {@code
     * normalize}.
     *
     * @throws IllegalArgumentException if {@code inputDim <= 0}
     */
    public Encoder create(int inputDim) {
        if (inputDim <= 0) {
            throw new IllegalArgumentException("inputDim must be > 0, got " + inputDim);
        }
        Encoder base =
                switch (kind) {
                    case IDENTITY -> new IdentityEncoder(inputDim);
                    case LINEAR -> new LinearEncoder(inputDim, embeddingDim);
                    case MLP -> new MlpEncoder(inputDim, hiddenDim, embeddingDim);
                };
        return normalize ? new NormalizedEncoder(base) : base;
    }
}
