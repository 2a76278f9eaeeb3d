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

    /**
     * Whether the next {@link #step}, with gradients no larger in magnitude than {@code
     * gradientBound}, provably leaves every parameter and state value finite. If so, the bounds are
     * advanced to cover the values after that step, and the caller must take exactly that step; if
     * not (or a bound is unknown and the arrays' own maxima do not suffice), nothing is promised
     * and the caller must guard the step another way. A rule that cannot argue returns false (the
     * default).
     *
     * @param gradientBound {@code >= max |grads[i]|} of the coming step, finite
     * @param t the 1-based number of the coming update
     */
    default boolean provablyFinite(
            StepBounds bounds,
            double gradientBound,
            long t,
            double learningRate,
            float[] params,
            float[] state) {
        return false;
    }
}
