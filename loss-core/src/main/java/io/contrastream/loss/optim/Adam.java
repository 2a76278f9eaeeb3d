package io.contrastream.loss.optim;

import io.contrastream.loss.simd.VectorKernels;

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
 *
 * <p>With {@link VectorKernels} available the loop runs as a vector kernel with bit-identical
 * results (the same float operations per element, no fused multiply-add).
 */
public final class Adam implements Optimizer {

    private final double beta1;
    private final double beta2;
    private final float epsilon;
    private final double weightDecay;
    private final VectorKernels vector;

    /**
     * @param beta1 first-moment decay in [0, 1)
     * @param beta2 second-moment decay in [0, 1)
     * @param epsilon denominator guard, > 0
     * @param weightDecay decoupled weight decay, >= 0
     */
    public Adam(double beta1, double beta2, float epsilon, double weightDecay) {
        this(beta1, beta2, epsilon, weightDecay, VectorKernels.best());
    }

    /** With the given vector kernels, or null for the plain loop. */
    Adam(double beta1, double beta2, float epsilon, double weightDecay, VectorKernels vector) {
        this.vector = vector;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    @Override
    public int stateSize(int parameterCount) {
        return 2 * parameterCount;
    }

    /**
     * Per value, in double with rounding slack: {@code |m'| <= b1 M + c1 G}, {@code v' <= b2 V + c2
     * G^2}, the denominator is at least {@code eps}, so {@code |p'| <= |keep| P + stepSize |m'| /
     * eps}; every intermediate ({@code stepSize m'}, {@code sqrt(v') secondCorrection}) is bounded
     * too. Loose (it ignores how {@code m} and {@code sqrt(v)} cancel) but cheap: when it reaches
     * {@link StepBounds#SAFE_MAGNITUDE}, the arrays' own maxima are measured and tried.
     */
    @Override
    public boolean provablyFinite(
            StepBounds bounds,
            double gradientBound,
            long t,
            double learningRate,
            float[] params,
            float[] state) {
        if (tryBound(bounds, gradientBound, t, learningRate)) {
            return true;
        }
        int n = params.length;
        bounds.params = StepBounds.maxAbs(params, 0, n);
        bounds.first = StepBounds.maxAbs(state, 0, n);
        bounds.second = StepBounds.maxAbs(state, n, 2 * n);
        return tryBound(bounds, gradientBound, t, learningRate);
    }

    private boolean tryBound(StepBounds bounds, double g, long t, double learningRate) {
        double r = StepBounds.ROUNDING;
        double m = (Math.abs((double) (float) beta1) * bounds.first + (1.0 - beta1) * g) * r;
        double v = (Math.abs((double) (float) beta2) * bounds.second + (1.0 - beta2) * g * g) * r;
        double stepSize = (float) (learningRate / (1.0 - Math.pow(beta1, t)));
        double correction = (float) (1.0 / Math.sqrt(1.0 - Math.pow(beta2, t)));
        double keep = (float) (1.0 - learningRate * weightDecay);
        double numerator = stepSize * m * r;
        double move = numerator / epsilon * r;
        double denominator = (Math.sqrt(v) * correction + epsilon) * r;
        double p = (Math.abs(keep) * bounds.params + move) * r;
        // Each comparison is false for NaN: an unknown bound proves nothing.
        if (StepBounds.safe(m)
                && StepBounds.safe(v)
                && StepBounds.safe(numerator)
                && StepBounds.safe(move)
                && StepBounds.safe(denominator)
                && StepBounds.safe(p)) {
            bounds.first = m;
            bounds.second = v;
            bounds.params = p;
            return true;
        }
        return false;
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
        if (vector != null) {
            vector.adam(
                    params,
                    grads,
                    state,
                    n,
                    b1,
                    c1,
                    b2,
                    c2,
                    stepSize,
                    secondCorrection,
                    epsilon,
                    keep);
            return;
        }
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
