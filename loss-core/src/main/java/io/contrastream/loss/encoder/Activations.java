package io.contrastream.loss.encoder;

/**
 * Scratch space of one forward pass: the embedding, and whatever an encoder keeps for its backward
 * pass. Created once per model and side by {@link Encoder#newActivations()} and reused for every
 * record.
 */
public class Activations {

    private final float[] output;

    /** Scratch with an embedding of {@code outputDim} values. */
    public Activations(int outputDim) {
        this.output = new float[outputDim];
    }

    /** The embedding written by the last {@link Encoder#forward} call. */
    public final float[] output() {
        return output;
    }
}
