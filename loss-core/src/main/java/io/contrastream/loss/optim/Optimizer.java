package io.contrastream.loss.optim;

/**
 * A first-order update rule over flat parameter, gradient and state arrays owned by the caller.
 *
 * <p>Lifecycle: the caller allocates {@code new float[stateSize(parameterCount)]} once (all zeros
 * is the valid initial state for every rule here), then calls {@link #step} once per update with
 * {@code t} = 1, 2, 3, ... (the number of this update, which Adam's bias correction needs). State
 * is plain floats, so checkpointing a model is copying arrays. An optimiser holds only immutable
 * settings: one instance serves many models.
 */
public interface Optimizer {

    /** Number of state floats this rule keeps for {@code parameterCount} parameters. */
    int stateSize(int parameterCount);

    /**
     * Applies one update in place. Reads {@code grads}, leaves it unchanged. Allocates nothing.
     *
     * @param t the 1-based number of this update
     * @param learningRate the step size for this update (schedules may vary it)
     */
    void step(float[] params, float[] grads, float[] state, long t, double learningRate);
}
