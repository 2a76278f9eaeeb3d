package io.contrastream.loss.optim;

/**
 * Adagrad: {@code G <- G + g^2}, then {@code p <- p (1 - lr wd) - lr g / (sqrt(G) + eps)}.
 *
 * <p>State: the sum of squared gradients {@code G}, one float per parameter, starting at zero. A
 * parameter whose gradient has always been zero does not move (0 / eps = 0). The effective step
 * shrinks as {@code 1/sqrt(t)} on a stationary stream, which suits a stream that settles and fails
 * one that drifts: prefer Adam when the stream changes.
 */
public final class Adagrad implements Optimizer {

    private final float epsilon;
    private final double weightDecay;

    /**
     * @param epsilon denominator guard, > 0
     * @param weightDecay decoupled weight decay, >= 0
     */
    public Adagrad(float epsilon, double weightDecay) {
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    @Override
    public int stateSize(int parameterCount) {
        return parameterCount;
    }

    @Override
    public void step(float[] params, float[] grads, float[] state, long t, double learningRate) {
        float lr = (float) learningRate;
        float keep = (float) (1.0 - learningRate * weightDecay);
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float sum = state[i] + g * g;
            state[i] = sum;
            params[i] = params[i] * keep - lr * g / ((float) Math.sqrt(sum) + epsilon);
        }
    }
}
