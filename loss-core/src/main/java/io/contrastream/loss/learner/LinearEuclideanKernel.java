package io.contrastream.loss.learner;

import io.contrastream.loss.simd.VectorKernels;

/**
 * The fused per-pair kernel of a linear encoder {@code f(x) = W x + b} (not normalised) under the
 * Euclidean distance {@code d = sqrt(||f(x1) - f(x2)||^2 + eps)}.
 *
 * <p>The bias cancels: {@code f(x1) - f(x2) = W delta} with {@code delta = x1 - x2}, so one
 * matrix-vector product {@code e = W delta} gives the distance, and the gradient of the loss with
 * respect to {@code W} is the rank-1 matrix {@code c e delta^T} with {@code c = (dL/dd) / d}; the
 * bias gradient is exactly 0 and the gradient's Frobenius norm is {@code |c| ||e|| ||delta||}, with
 * no pass over {@code W}. The general two-sided path (forward and backward for each item) computes
 * the same quantities; the two differ only in float rounding: here {@code delta} is rounded to
 * float once, and {@code e} is not formed as the difference of two rounded embeddings.
 *
 * <p>Scratch buffers are owned here and reused; nothing is allocated per pair. Not thread-safe.
 *
 * <p>With {@link VectorKernels} available (the JVM started with {@code --add-modules
 * jdk.incubator.vector}), the three {@code out x in} loops run as vector kernels with bit-identical
 * results; otherwise the plain loops below run, and they are the reference.
 */
final class LinearEuclideanKernel {

    private final int inputDim;
    private final int outputDim;
    private final double eps;

    /** The vector kernels, or null for the plain loops. */
    private final VectorKernels vector;

    /** {@code x1 - x2}, rounded to float. */
    final float[] delta;

    /** {@code e = W delta}, each component rounded to float once. */
    final float[] diff;

    /**
     * Scratch for one row of {@code W}. C2 (JDK 17) vectorises {@code y[i] += a * x[i]} but not
     * {@code y[offset + i] += a * x[i]} when {@code x} and {@code y} are both {@code float[]}: it
     * cannot rule out that they are one array, whose offset would make the loop carry a dependence.
     * Copying the row out and back ({@code System.arraycopy}, memory speed) lets every inner loop
     * index its arrays alike; measured here, about 4x faster per element at 784 inputs.
     */
    private final float[] row;

    /** Scratch for the products of one dot product. */
    private final float[] products;

    /** {@code ||delta||} and {@code max |delta_i|} of the last {@link #prepare}. */
    double deltaNorm;

    double deltaMax;

    /** {@code ||e||} and {@code max |e_o|} of the last {@link #distance}. */
    double diffNorm;

    double diffMax;

    LinearEuclideanKernel(int inputDim, int outputDim, double eps) {
        this(inputDim, outputDim, eps, VectorKernels.best());
    }

    /** With the given vector kernels, or null to run the plain loops. */
    LinearEuclideanKernel(int inputDim, int outputDim, double eps, VectorKernels vector) {
        this.vector = vector;
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.eps = eps;
        this.delta = new float[inputDim];
        this.diff = new float[outputDim];
        this.row = new float[inputDim];
        this.products = new float[inputDim];
    }

    /**
     * Computes {@code delta = x1 - x2}, its norm and its largest magnitude.
     *
     * @return false when a component of {@code delta} overflowed float (finite inputs near {@code
     *     Float.MAX_VALUE} of opposite signs): the caller then takes the general path for the pair
     */
    boolean prepare(float[] x1, float[] x2) {
        float[] d = delta;
        int n = inputDim;
        if (vector != null) {
            vector.subtract(x1, x2, d, n);
            // The same four double accumulators as below: a float's square is exact in double.
            deltaNorm = Math.sqrt(vector.exactDot(d, 0, d, n));
            deltaMax = vector.maxAbs(d, n);
            return deltaMax <= Float.MAX_VALUE;
        } else {
            for (int i = 0; i < n; i++) {
                d[i] = x1[i] - x2[i];
            }
        }
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        float m0 = 0;
        float m1 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            float a = d[i];
            float b = d[i + 1];
            float c = d[i + 2];
            float e = d[i + 3];
            s0 += (double) a * a;
            s1 += (double) b * b;
            s2 += (double) c * c;
            s3 += (double) e * e;
            m0 = Math.max(m0, Math.max(Math.abs(a), Math.abs(c)));
            m1 = Math.max(m1, Math.max(Math.abs(b), Math.abs(e)));
        }
        for (; i < n; i++) {
            s0 += (double) d[i] * d[i];
            m0 = Math.max(m0, Math.abs(d[i]));
        }
        deltaNorm = Math.sqrt((s0 + s1) + (s2 + s3));
        deltaMax = Math.max(m0, m1);
        return deltaMax <= Float.MAX_VALUE;
    }

    /**
     * Computes {@code e = W delta} from the weights at the start of {@code w} (row-major, {@code
     * [out][in]}) and returns {@code d = sqrt(||e||^2 + eps)}. Each product is rounded to float (a
     * vectorised loop) and the products are summed in double, as the general path's forward sums.
     */
    double distance(float[] w) {
        int in = inputDim;
        float[] r = row;
        float[] p = products;
        float[] d = delta;
        double sum = 0;
        float max = 0;
        if (vector != null) {
            vector.roundedMatVec(w, outputDim, d, in, diff);
        }
        for (int o = 0; o < outputDim; o++) {
            float e;
            if (vector != null) {
                e = diff[o];
            } else {
                System.arraycopy(w, o * in, r, 0, in);
                for (int i = 0; i < in; i++) {
                    p[i] = r[i] * d[i];
                }
                e = (float) sum(p, in);
            }
            diff[o] = e;
            sum += (double) e * e;
            max = Math.max(max, Math.abs(e));
        }
        diffNorm = Math.sqrt(sum);
        diffMax = max;
        return Math.sqrt(sum + eps);
    }

    /**
     * Plain SGD on the weights, one pass and no gradient buffer: {@code W[o][i] -= a_o delta_i}
     * with {@code a_o = (float) (k e_o)}, {@code k = learningRate * c} (already scaled by
     * clipping). The bias is left as it is: its gradient is exactly 0.
     */
    void applySgd(float[] w, double k) {
        int in = inputDim;
        float[] d = delta;
        float[] r = row;
        for (int o = 0; o < outputDim; o++) {
            float a = -(float) (k * diff[o]);
            int offset = o * in;
            if (vector != null) {
                vector.axpy(a, d, 0, w, offset, in);
                continue;
            }
            System.arraycopy(w, offset, r, 0, in);
            for (int i = 0; i < in; i++) {
                r[i] += a * d[i];
            }
            System.arraycopy(r, 0, w, offset, in);
        }
    }

    /**
     * Writes the full gradient for an optimiser: {@code dW[o][i] = g_o delta_i} with {@code g_o =
     * (float) (c e_o)}, and {@code db = 0}.
     */
    void writeGradient(float[] grads, double c) {
        int in = inputDim;
        float[] d = delta;
        float[] r = row;
        for (int o = 0; o < outputDim; o++) {
            float g = (float) (c * diff[o]);
            if (vector != null) {
                vector.scale(g, d, grads, o * in, in);
                continue;
            }
            for (int i = 0; i < in; i++) {
                r[i] = g * d[i];
            }
            System.arraycopy(r, 0, grads, o * in, in);
        }
        int bias = outputDim * in;
        for (int o = 0; o < outputDim; o++) {
            grads[bias + o] = 0f;
        }
    }

    /** {@code values[0 .. n)} summed in double, with eight independent accumulators. */
    static double sum(float[] values, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        double s4 = 0;
        double s5 = 0;
        double s6 = 0;
        double s7 = 0;
        int i = 0;
        for (; i + 7 < n; i += 8) {
            s0 += values[i];
            s1 += values[i + 1];
            s2 += values[i + 2];
            s3 += values[i + 3];
            s4 += values[i + 4];
            s5 += values[i + 5];
            s6 += values[i + 6];
            s7 += values[i + 7];
        }
        for (; i < n; i++) {
            s0 += values[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** The largest magnitude in {@code values} (NaN if one is NaN). */
    static double maxAbs(float[] values) {
        float m0 = 0;
        float m1 = 0;
        int n = values.length;
        int i = 0;
        for (; i + 1 < n; i += 2) {
            m0 = Math.max(m0, Math.abs(values[i]));
            m1 = Math.max(m1, Math.abs(values[i + 1]));
        }
        if (i < n) {
            m0 = Math.max(m0, Math.abs(values[i]));
        }
        return Math.max(m0, m1);
    }
}
