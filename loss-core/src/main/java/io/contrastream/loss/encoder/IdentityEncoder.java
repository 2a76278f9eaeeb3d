package io.contrastream.loss.encoder;

/**
 * The embedding is the input itself: {@code f(x) = x}, with no parameters.
 *
 * <p>The baseline "raw features" model, and with {@link NormalizedEncoder} a plain L2 normalisation
 * of the input. {@link #parameterCount()} is 0, {@link #initialize} accepts only an empty array,
 * and {@link #backward} adds nothing. The output is a copy, so callers may modify it without
 * touching the input.
 */
public final class IdentityEncoder implements Encoder {

    private final int dim;

    /**
     * @param dim the input and output length, {@code > 0}
     */
    public IdentityEncoder(int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("dim must be > 0, got " + dim);
        }
        this.dim = dim;
    }

    @Override
    public int inputDim() {
        return dim;
    }

    @Override
    public int outputDim() {
        return dim;
    }

    @Override
    public int parameterCount() {
        return 0;
    }

    @Override
    public void initialize(float[] params, Initialization init, long seed) {
        Initializers.checkInitializeArguments(this, params, init);
    }

    @Override
    public Activations newActivations() {
        return new Activations(dim);
    }

    @Override
    public void forward(float[] params, float[] x, Activations act) {
        System.arraycopy(x, 0, act.output(), 0, dim);
    }

    /** Nothing to add: there are no parameters. */
    @Override
    public void backward(
            float[] params, float[] x, Activations act, float[] gradOutput, float[] gradParams) {}

    @Override
    public String toString() {
        return "IdentityEncoder[" + dim + "]";
    }
}
