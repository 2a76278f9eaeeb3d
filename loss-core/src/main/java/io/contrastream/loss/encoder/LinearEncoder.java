package io.contrastream.loss.encoder;

import io.contrastream.loss.simd.VectorKernels;
import java.util.SplittableRandom;

/**
 * An affine map {@code f(x) = W x + b}: the reference configuration's encoder.
 *
 * <p>Parameter layout (length {@code out * in + out}): {@code W} row-major, {@code W[o][i]} at
 * {@code o * in + i}, then {@code b[o]} at {@code out * in + o}. This is the layout of PyTorch's
 * {@code nn.Linear.weight} ({@code [out, in]}) followed by its bias, so a model can be exchanged by
 * copying the two tensors flat.
 *
 * <p>Dot products accumulate in double and are rounded to float once per output. NaN or infinite
 * inputs propagate to the output unchecked (callers validate at their boundary).
 *
 * <p>With {@link VectorKernels} available the dot products and gradient rows run as vector kernels
 * with bit-identical results.
 */
public final class LinearEncoder implements Encoder {

    private final int inputDim;
    private final int outputDim;
    private final VectorKernels vector;

    /**
     * @param inputDim the input length, {@code > 0}
     * @param outputDim the embedding length, {@code > 0}
     */
    public LinearEncoder(int inputDim, int outputDim) {
        this(inputDim, outputDim, VectorKernels.best());
    }

    /** With the given vector kernels, or null for the plain loops. */
    LinearEncoder(int inputDim, int outputDim, VectorKernels vector) {
        this.vector = vector;
        if (inputDim <= 0) {
            throw new IllegalArgumentException("inputDim must be > 0, got " + inputDim);
        }
        if (outputDim <= 0) {
            throw new IllegalArgumentException("outputDim must be > 0, got " + outputDim);
        }
        // The flat float[] must be indexable by int.
        if ((long) inputDim * outputDim + outputDim > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "a linear encoder "
                            + inputDim
                            + " -> "
                            + outputDim
                            + " has too many parameters");
        }
        this.inputDim = inputDim;
        this.outputDim = outputDim;
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    @Override
    public int outputDim() {
        return outputDim;
    }

    @Override
    public int parameterCount() {
        return outputDim * inputDim + outputDim;
    }

    /** Offset of {@code b} in the parameter array. */
    public int biasOffset() {
        return outputDim * inputDim;
    }

    /**
     * Fills {@code W} then {@code b} from one seeded generator, with {@code fan_in = inputDim} and
     * {@code fan_out = outputDim}.
     */
    @Override
    public void initialize(float[] params, Initialization init, long seed) {
        Initializers.checkInitializeArguments(this, params, init);
        Initializers.fillLayer(
                params, 0, biasOffset(), inputDim, outputDim, init, new SplittableRandom(seed));
    }

    @Override
    public Activations newActivations() {
        return new Activations(outputDim);
    }

    @Override
    public void forward(float[] params, float[] x, Activations act) {
        float[] out = act.output();
        int in = inputDim;
        int b = outputDim * in;
        VectorKernels v = vector;
        if (v != null) {
            v.exactAffine(params, 0, outputDim, x, in, params, b, out);
            return;
        }
        for (int o = 0; o < outputDim; o++) {
            double dot = v != null ? v.exactDot(params, o * in, x, in) : dot(params, o * in, x, in);
            out[o] = (float) (params[b + o] + dot);
        }
    }

    /**
     * {@code dW[o][i] += g[o] x[i]}, {@code db[o] += g[o]}. Leaves {@code gradOutput} unchanged.
     */
    /**
     * {@code w[offset .. offset + n) . x[0 .. n)} in double, with four independent accumulators:
     * one running sum is a chain of dependent additions that runs at a quarter of the speed. The
     * plain loop of {@link VectorKernels#exactDot}, bit for bit.
     */
    public static double dot(float[] w, int offset, float[] x, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += (double) w[offset + i] * x[i];
            s1 += (double) w[offset + i + 1] * x[i + 1];
            s2 += (double) w[offset + i + 2] * x[i + 2];
            s3 += (double) w[offset + i + 3] * x[i + 3];
        }
        for (; i < n; i++) {
            s0 += (double) w[offset + i] * x[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    @Override
    public void backward(
            float[] params, float[] x, Activations act, float[] gradOutput, float[] gradParams) {
        int in = inputDim;
        int b = outputDim * in;
        for (int o = 0; o < outputDim; o++) {
            float g = gradOutput[o];
            int row = o * in;
            if (vector != null) {
                vector.axpy(g, x, 0, gradParams, row, in);
            } else {
                for (int i = 0; i < in; i++) {
                    gradParams[row + i] += g * x[i];
                }
            }
            gradParams[b + o] += g;
        }
    }

    @Override
    public String toString() {
        return "LinearEncoder[" + inputDim + " -> " + outputDim + "]";
    }
}
