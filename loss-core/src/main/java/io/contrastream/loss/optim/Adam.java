package io.contrastream.loss.optim;

/**
 * Adam with bias correction and decoupled weight decay (AdamW), as PyTorch's {@code AdamW}:
 *
 * <pre>
 * m <- b1 m + (1 - b1) g          v <- b2 v + (1 - b2) g^2
 * p <- p (1 - lr wd) - lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 *
 * <p>State: {@code [m (n), v (n)]}, starting at zero. {@code t} must count updates from 1; the
 * bias-correction factors are computed once per step, in double. The first step moves every
 * parameter with a non-zero gradient by about {@code lr}, whatever the gradient's scale.
 */
public final class Adam implements Optimizer {

    private final double beta1;
    private final double beta2;
    private final float epsilon;
    private final double weightDecay;

    /**
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param epsilon denominator guard, > 0
     * @param weightDecay decoupled weight decay, >= 0
     */
    public Adam(double beta1, double beta2, float epsilon, double weightDecay) {
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    @Override
    public int stateSize(int parameterCount) {
        return 2 * parameterCount;
    }

    @Override
    public void step(float[] params, float[] grads, float[] state, long t, double learningRate) {
        int n = params.length;
        float b1 = (float) beta1;
        float b2 = (float) beta2;
        // 1 - beta in double, then rounded once: 1f - 0.999f is off by 1.3e-5 relative.
        float c1 = (float) (1.0 - beta1);
        float c2 = (float) (1.0 - beta2);
        float stepSize = (float) (learningRate / (1.0 - Math.pow(beta1, t)));
        float secondCorrection = (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, t)));
        float keep = (float) (1.0 - learningRate * weightDecay);
        for (int i = 0; i < n; i++) {
            float g = grads[i];
            float m = b1 * state[i] + c1 * g;
            float v = b2 * state[n + i] + c2 * g * g;
            state[i] = m;
            state[n + i] = v;
            float denom = (float) Math.sqrt(v) * secondCorrection + epsilon;
            params[i] = params[i] * keep - stepSize * m / denom;
        }
    }
}
