package io.contrastream.loss.optim;

import io.contrastream.loss.simd.VectorKernels;

/**
 * Plain SGD: {@code p <- p (1 - lr wd) - lr g}. Keeps no state.
 *
 * <p>Decoupled weight decay (Loshchilov and Hutter, 2019) shrinks the parameter rather than adding
 * {@code wd p} to the gradient; for plain SGD the two coincide.
 *
 * <p>With {@link VectorKernels} available the loop runs as a vector kernel with bit-identical
 * results.
 */
public final class Sgd implements Optimizer {

    private final double weightDecay;
    private final VectorKernels vector;

    /**
     * @param weightDecay decoupled weight decay, >= 0
     */
    public Sgd(double weightDecay) {
        this(weightDecay, VectorKernels.best());
    }

    /** With the given vector kernels, or null for the plain loop. */
    Sgd(double weightDecay, VectorKernels vector) {
        this.vector = vector;
        this.weightDecay = weightDecay;
    }

    @Override
    public int stateSize(int parameterCount) {
        return 0;
    }

    /** {@code |p'| <= |keep| max|p| + lr max|g|}, with rounding slack. */
    @Override
    public boolean provablyFinite(
            StepBounds bounds,
            double gradientBound,
            long t,
            double learningRate,
            float[] params,
            float[] state) {
        float lr = (float) learningRate;
        float keep = (float) (1.0 - learningRate * weightDecay);
        double move = (double) lr * gradientBound;
        double next = (Math.abs((double) keep) * bounds.params + move) * StepBounds.ROUNDING;
        if (!StepBounds.safe(next)) {
            bounds.params = StepBounds.maxAbs(params, 0, params.length);
            next = (Math.abs((double) keep) * bounds.params + move) * StepBounds.ROUNDING;
            if (!StepBounds.safe(next)) {
                return false;
            }
        }
        bounds.params = next;
        return true;
    }

    @Override
    public void step(float[] params, float[] grads, float[] state, long t, double learningRate) {
        float lr = (float) learningRate;
        float keep = (float) (1.0 - learningRate * weightDecay);
        if (vector != null) {
            vector.sgd(params, grads, params.length, lr, keep);
            return;
        }
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
