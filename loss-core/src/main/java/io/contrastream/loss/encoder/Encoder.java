package io.contrastream.loss.encoder;

/**
 * An embedding function {@code f(x)} with its backward pass, over parameters held by the caller in
 * one flat {@code float[]}.
 *
 * <p>An encoder is immutable configuration: parameters, scratch ({@link Activations}) and gradient
 * buffers are owned by the caller, so one encoder serves any number of models and a model's whole
 * state is a few primitive arrays. Neither pass allocates, and neither checks its input: callers
 * validate once, at their boundary.
 *
 * <p>Lifecycle: {@link #initialize} fills a fresh parameter array; then, per input, {@link
 * #forward} writes {@link Activations#output()} and {@link #backward} adds this input's share of
 * the parameter gradient, reading what forward left in the same activations.
 */
public interface Encoder {

    /** Length of the input vectors. */
    int inputDim();

    /** Length of the embeddings. */
    int outputDim();

    /** Length of the flat parameter array; 0 for an encoder without parameters. */
    int parameterCount();

    /**
     * Fills {@code params} (of length {@link #parameterCount()}) with seeded initial values: the
     * same seed gives the same parameters on every JVM.
     */
    void initialize(float[] params, Initialization init, long seed);

    /** Fresh scratch space for one input's forward and backward pass. */
    Activations newActivations();

    /**
     * Computes {@code f(x)} into {@code act.output()}, keeping what backward needs in {@code act}.
     */
    void forward(float[] params, float[] x, Activations act);

    /**
     * Adds {@code dL/d params} for input {@code x} to {@code gradParams} ({@code +=}), given {@code
     * gradOutput = dL / d f(x)} and the activations that {@link #forward} left for the same {@code
     * x}. May overwrite {@code gradOutput}.
     */
    void backward(
            float[] params, float[] x, Activations act, float[] gradOutput, float[] gradParams);
}
