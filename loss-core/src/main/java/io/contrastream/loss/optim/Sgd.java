package io.contrastream.loss.optim;

/**
 * Plain SGD: {@code p <- p (1 - lr wd) - lr g}. Keeps no state.
 *
 * <p>Decoupled weight decay (Loshchilov and Hutter, 2019) shrinks the parameter rather than adding
 * {@code wd p} to the gradient; for plain SGD the two coincide.
 */
public final class Sgd implements Optimizer {

    private final double weightDecay;

    /**
     * @param weightDecay decoupled weight decay, >= 0
     */
    public Sgd(double weightDecay) {
        this.weightDecay = weightDecay;
    }

    @Override
    public int stateSize(int parameterCount) {
        return 0;
    }

    @Override
    public void step(float[] params, float[] grads, float[] state, long t, double learningRate) {
        float lr = (float) learningRate;
        float keep = (float) (1.0 - learningRate * weightDecay);
        if (keep == 1f) {
            for (int i = 0; i < params.length; i++) {
                params[i] -= lr * grads[i];
            }
        } else {
            for (int i = 0; i < params.length; i++) {
                params[i] = params[i] * keep - lr * grads[i];
            }
        }
    }
}
