package io.contrastream.loss.learner;

import io.contrastream.loss.encoder.LinearEncoder;
import io.contrastream.loss.optim.StepBounds;
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
 * <p>Arithmetic: {@code e_o} is a float dot product with fused multiply-adds in sixteen lanes
 * ({@link #fmaDot}); {@code ||e||^2} is {@link LinearEncoder#dot} of {@code e} with itself (four
 * double accumulators, as {@code ||delta||^2}: a float's square is exact in double, so only the
 * additions round); SGD's rank-1 update is {@code W[o][i] = fma(a_o, delta_i, W[o][i])}, each
 * weight rounded once.
 *
 * <p><b>The update is applied lazily.</b> {@link #deferSgd} records the rank-1 update (the
 * coefficients {@code a_o} and this pair's {@code delta}) instead of writing {@code W}; the next
 * {@link #distance} applies it in the same pass over {@code W} that computes the next {@code e}
 * (one read and one write of {@code W} per pair instead of two reads and a write: the difference
 * between cache-bound and not for a 784 x 128 model). The weights that result, and every {@code e},
 * are bit for bit those of applying each update at once ({@link #applySgd}). Anyone who reads
 * {@code W} other than through {@link #distance} must first call {@link #flush}.
 *
 * <p><b>Working copy in panels.</b> Built for plain SGD ({@code panelCopy}) on vector kernels with
 * panels ({@link VectorKernels#panelRows()}, AVX-512), the kernel keeps its own copy of {@code W}
 * stored in panels of sixteen rows, each panel column-major, and that copy is the model between
 * pairs: {@link #distance} and the deferred update work on it (the same bits: the panel kernels
 * repeat {@link #fmaDot} row by row), and {@link #flush} writes it back to the caller's row-major
 * array. Whoever writes that array other than through this kernel (another optimiser's step, a
 * restored state) must first {@link #flush} and afterwards call {@link #invalidate}, so that the
 * next {@link #distance} copies it in again. It costs one more {@code in x out} floats per model.
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

    /** {@code x1 - x2}, rounded to float (swapped with {@link #pendingDelta} by a deferral). */
    float[] delta;

    /** {@code e = W delta}, each component a {@link #fmaDot}. */
    final float[] diff;

    /** The {@code delta} of the pending update. */
    private float[] pendingDelta;

    /**
     * The pending update's row coefficients: {@code W[o][i] = fma(a_o, pendingDelta_i, W[o][i])}.
     */
    private final float[] pendingRow;

    /** Whether an update is recorded and not yet written to {@code W}. */
    private boolean pending;

    /**
     * The working copy of {@code W} in panels of sixteen rows ({@link VectorKernels#panelRows()}),
     * or null when the kernel works on the caller's row-major array.
     */
    private final Panels panels;

    /**
     * Rows the kernels run over: {@code outputDim}, rounded up to whole panels when {@code W} is
     * kept in panels (padding rows are 0).
     */
    private final int rows;

    /** The accumulators of {@link #fmaDot}. */
    static final int LANES = 16;

    /**
     * Scratch for one row of {@code W}. C2 (JDK 17) vectorises {@code y[i] += a * x[i]} but not
     * {@code y[offset + i] += a * x[i]} when {@code x} and {@code y} are both {@code float[]}: it
     * cannot rule out that they are one array, whose offset would make the loop carry a dependence.
     * Copying the row out and back ({@code System.arraycopy}, memory speed) lets every inner loop
     * index its arrays alike; measured here, about 4x faster per element at 784 inputs.
     */
    private final float[] row;

    /** {@code ||delta||} of the last {@link #prepare} ({@link #deltaMax} on demand). */
    double deltaNorm;

    /** {@code ||e||} of the last {@link #distance} ({@link #diffMax} on demand). */
    double diffNorm;

    /**
     * {@code sqrt(out x in)}: {@code ||e|| ||delta||} is at most this many times {@code max |e_o|
     * max |delta_i|}, and at least once.
     */
    final double normsPerMaxima;

    LinearEuclideanKernel(int inputDim, int outputDim, double eps) {
        this(inputDim, outputDim, eps, VectorKernels.best());
    }

    /** With the given vector kernels, or null to run the plain loops; row-major. */
    LinearEuclideanKernel(int inputDim, int outputDim, double eps, VectorKernels vector) {
        this(inputDim, outputDim, eps, vector, false);
    }

    /**
     * @param panelCopy keep a working copy of {@code W} in panels when the vector kernels have them
     *     (see the class comment); ignored otherwise
     */
    LinearEuclideanKernel(
            int inputDim, int outputDim, double eps, VectorKernels vector, boolean panelCopy) {
        this.vector = vector;
        this.inputDim = inputDim;
        this.outputDim = outputDim;
        this.eps = eps;
        this.panels = panelCopy ? Panels.of(vector, outputDim, inputDim) : null;
        this.rows = panels != null ? panels.paddedRows : outputDim;
        this.normsPerMaxima = Math.sqrt((double) outputDim * inputDim);
        this.delta = new float[inputDim];
        this.diff = new float[rows];
        this.row = new float[inputDim];
        this.pendingDelta = new float[inputDim];
        this.pendingRow = new float[rows];
    }

    /** Whether this kernel keeps a working copy of {@code W} in panels. */
    boolean panelled() {
        return panels != null;
    }

    /**
     * Computes {@code delta = x1 - x2} and its norm.
     *
     * @return false when a component of {@code delta} overflowed float (finite inputs near {@code
     *     Float.MAX_VALUE} of opposite signs): the caller then takes the general path for the pair.
     *     The squares of finite floats cannot overflow double, so the norm is finite exactly when
     *     every component is.
     */
    boolean prepare(float[] x1, float[] x2) {
        float[] d = delta;
        int n = inputDim;
        if (vector != null) {
            vector.subtract(x1, x2, d, n);
        } else {
            for (int i = 0; i < n; i++) {
                d[i] = x1[i] - x2[i];
            }
        }
        deltaNorm = Math.sqrt(squaredNorm(vector, d, n));
        return deltaNorm <= Double.MAX_VALUE;
    }

    /**
     * {@code max |delta_i|} of the last {@link #prepare}: asked for only when the norms cannot
     * decide (see {@code OnlineLearner.updateFused}), and before {@link #deferSgd}, which hands
     * {@code delta} to the pending update.
     */
    double deltaMax() {
        return maxAbs(vector, delta, inputDim);
    }

    /** {@code max |e_o|} of the last {@link #distance}. */
    double diffMax() {
        return maxAbs(vector, diff, outputDim);
    }

    /**
     * Applies the pending update, if any, then computes {@code e = W delta} from the weights at the
     * start of {@code w} (row-major, {@code [out][in]}) and returns {@code d = sqrt(||e||^2 +
     * eps)}. Each {@code e_o} is {@link #fmaDot} of its row and {@code delta}; {@code ||e||^2} is
     * summed in four double accumulators ({@link LinearEncoder#dot}): a single sum in order made a
     * chain of 32 dependent additions at 64 -> 32, on the path from one pair's {@code e} to the
     * next pair's update.
     */
    double distance(float[] w) {
        int in = inputDim;
        if (panels != null) {
            float[] wp = panels.current(w);
            if (pending) {
                vector.panelRank1ThenMatVec(wp, rows, in, pendingRow, pendingDelta, delta, diff);
                panels.written();
            } else {
                vector.panelMatVec(wp, rows, delta, in, diff);
            }
        } else if (vector != null) {
            if (pending) {
                vector.rank1ThenMatVec(w, 0, outputDim, in, pendingRow, pendingDelta, delta, diff);
            } else {
                vector.fmaMatVec(w, 0, outputDim, delta, in, diff);
            }
        } else {
            if (pending) {
                rank1(w);
            }
            for (int o = 0; o < outputDim; o++) {
                diff[o] = fmaDot(w, o * in, delta, in);
            }
        }
        pending = false;
        double sum = squaredNorm(vector, diff, outputDim);
        diffNorm = Math.sqrt(sum);
        return Math.sqrt(sum + eps);
    }

    /**
     * Records plain SGD on the weights for the next {@link #distance} or {@link #flush}: {@code
     * W[o][i] = fma(a_o, delta_i, W[o][i])} with {@code a_o = (float) -(k e_o)}, {@code k =
     * learningRate * c} (already scaled by clipping), from the {@code e} and {@code delta} of the
     * last {@link #distance}. The bias is left as it is: its gradient is exactly 0.
     *
     * @throws IllegalStateException if an update is already pending (its pair was not scored)
     */
    void deferSgd(double k) {
        if (pending) {
            throw new IllegalStateException("an update is already pending");
        }
        if (vector != null) {
            // (-k) e_o is -(k e_o) to the bit: negation is exact, and rounding to nearest is
            // symmetric in sign (zeros included).
            vector.scaleInDouble(-k, diff, pendingRow, outputDim);
        } else {
            for (int o = 0; o < outputDim; o++) {
                pendingRow[o] = (float) -(k * diff[o]);
            }
        }
        float[] d = delta;
        delta = pendingDelta;
        pendingDelta = d;
        pending = true;
    }

    /**
     * Plain SGD applied at once to the caller's array {@code w}, which must be current ({@link
     * #flush}): {@link #deferSgd}, then the same rank-1 update written to {@code w} alone; a panel
     * copy is left out of date ({@link #invalidate}), so that the caller may check {@code w} and
     * roll it back.
     */
    void applySgd(float[] w, double k) {
        if (panels != null && panels.behind()) {
            throw new IllegalStateException("the weights lag the panel copy: flush first");
        }
        deferSgd(k);
        writePendingToRows(w);
        if (panels != null) {
            panels.forget();
        }
    }

    /**
     * Writes the pending update, if any, and a panel copy's updates to {@code w}; afterwards {@code
     * w} is current (and the copy still is).
     */
    void flush(float[] w) {
        if (pending && panels != null) {
            vector.panelRank1(panels.data, rows, inputDim, pendingRow, pendingDelta);
            pending = false;
            panels.written();
        }
        if (pending) {
            writePendingToRows(w);
        }
        if (panels != null) {
            panels.writeBack(w);
        }
    }

    /** The pending update written to the row-major {@code w}; nothing is pending afterwards. */
    private void writePendingToRows(float[] w) {
        if (vector != null) {
            vector.rank1(w, 0, outputDim, inputDim, pendingRow, pendingDelta);
        } else {
            rank1(w);
        }
        pending = false;
    }

    /**
     * Forgets the panel copy: the caller's array, written by someone else, is the model.
     *
     * @throws IllegalStateException if that array was not current ({@link #flush} first)
     */
    void invalidate() {
        if (pending) {
            throw new IllegalStateException("the weights are not current: flush before writing");
        }
        if (panels != null) {
            panels.forget();
        }
    }

    /**
     * The largest magnitude among the weights and biases of the model as it stands, from {@code w}
     * once it is current (a panel copy's updates are written back first; an update pending is not
     * included).
     */
    double maxAbsWeights(float[] w) {
        if (panels != null) {
            panels.writeBack(w);
        }
        return StepBounds.maxAbs(w, 0, w.length);
    }

    /** Whether an update waits for the next {@link #distance} or {@link #flush}. */
    boolean pending() {
        return pending;
    }

    /** The plain loop of the pending rank-1 update. */
    private void rank1(float[] w) {
        int in = inputDim;
        float[] u = pendingDelta;
        float[] r = row;
        for (int o = 0; o < outputDim; o++) {
            float a = pendingRow[o];
            int offset = o * in;
            System.arraycopy(w, offset, r, 0, in);
            for (int i = 0; i < in; i++) {
                r[i] = Math.fma(a, u[i], r[i]);
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

    /**
     * The plain loop of {@link VectorKernels#fmaDot}, the reference: sixteen float accumulators fed
     * in element order with fused multiply-adds, added as a tree ({@code s_k += s_(k+h)}, {@code h
     * = 8, 4, 2, 1}), plus a tail of {@code n % 16} elements summed separately. The accumulators
     * are sixteen locals rather than an array: sixteen independent chains the CPU overlaps, with no
     * store and reload per step.
     */
    static float fmaDot(float[] w, int offset, float[] x, int n) {
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float s4 = 0f;
        float s5 = 0f;
        float s6 = 0f;
        float s7 = 0f;
        float s8 = 0f;
        float s9 = 0f;
        float s10 = 0f;
        float s11 = 0f;
        float s12 = 0f;
        float s13 = 0f;
        float s14 = 0f;
        float s15 = 0f;
        int bound = n - n % LANES;
        for (int i = 0; i < bound; i += LANES) {
            int j = offset + i;
            s0 = Math.fma(w[j], x[i], s0);
            s1 = Math.fma(w[j + 1], x[i + 1], s1);
            s2 = Math.fma(w[j + 2], x[i + 2], s2);
            s3 = Math.fma(w[j + 3], x[i + 3], s3);
            s4 = Math.fma(w[j + 4], x[i + 4], s4);
            s5 = Math.fma(w[j + 5], x[i + 5], s5);
            s6 = Math.fma(w[j + 6], x[i + 6], s6);
            s7 = Math.fma(w[j + 7], x[i + 7], s7);
            s8 = Math.fma(w[j + 8], x[i + 8], s8);
            s9 = Math.fma(w[j + 9], x[i + 9], s9);
            s10 = Math.fma(w[j + 10], x[i + 10], s10);
            s11 = Math.fma(w[j + 11], x[i + 11], s11);
            s12 = Math.fma(w[j + 12], x[i + 12], s12);
            s13 = Math.fma(w[j + 13], x[i + 13], s13);
            s14 = Math.fma(w[j + 14], x[i + 14], s14);
            s15 = Math.fma(w[j + 15], x[i + 15], s15);
        }
        // The tree: h = 8, then 4, 2, 1.
        s0 += s8;
        s1 += s9;
        s2 += s10;
        s3 += s11;
        s4 += s12;
        s5 += s13;
        s6 += s14;
        s7 += s15;
        s0 += s4;
        s1 += s5;
        s2 += s6;
        s3 += s7;
        s0 += s2;
        s1 += s3;
        s0 += s1;
        float t = 0f;
        for (int i = bound; i < n; i++) {
            t = Math.fma(w[offset + i], x[i], t);
        }
        return s0 + t;
    }

    /**
     * {@code ||x||^2} over {@code x[0, n)} as {@link LinearEncoder#dot} sums it (four double
     * accumulators), on the vector kernels when there are any: the same bits either way. Both fused
     * kernels' norms.
     */
    static double squaredNorm(VectorKernels vector, float[] x, int n) {
        return vector != null ? vector.exactDot(x, 0, x, n) : LinearEncoder.dot(x, 0, x, n);
    }

    /**
     * The largest magnitude in {@code x[0, n)} (NaN if one is NaN), on the vector kernels when
     * there are any, else {@link StepBounds#maxAbs}: exact either way. Both fused kernels' maxima.
     */
    static double maxAbs(VectorKernels vector, float[] x, int n) {
        return vector != null ? vector.maxAbs(x, n) : StepBounds.maxAbs(x, 0, n);
    }
}
