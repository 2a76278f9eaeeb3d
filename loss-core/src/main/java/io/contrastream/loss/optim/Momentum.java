package io.contrastream.loss.optim;

/**
 * SGD with momentum, as PyTorch writes it (no dampening): {@code v <- mu v + g}, then {@code p <- p
 * (1 - lr wd) - lr v}, or with Nesterov's variant {@code p <- p (1 - lr wd) - lr (g + mu v)}.
 *
 * <p>State: the velocity {@code v}, one float per parameter, starting at zero (so the first step
 * equals an SGD step).
 */
public final class Momentum implements Optimizer {

    private final float momentum;
    private final boolean nesterov;
    private final double weightDecay;

    /**
     * @param momentum {@code mu} in [0, 1)
     * @param nesterov Nesterov's variant
     * @param weightDecay decoupled weight decay, >= 0
     */
    public Momentum(float momentum, boolean nesterov, double weightDecay) {
        this.momentum = momentum;
        this.nesterov = nesterov;
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
        float mu = momentum;
        for (int i = 0; i < params.length; i++) {
            float g = grads[i];
            float v = mu * state[i] + g;
            state[i] = v;
            float direction = nesterov ? g + mu * v : v;
            params[i] = params[i] * keep - lr * direction;
        }
    }
}
