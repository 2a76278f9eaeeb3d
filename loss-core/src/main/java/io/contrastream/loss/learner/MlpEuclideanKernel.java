package io.contrastream.loss.learner;

import io.contrastream.loss.encoder.LinearEncoder;
import io.contrastream.loss.simd.VectorKernels;

/**
 * The fused per-pair kernel of a one-hidden-layer perceptron {@code f(x) = W2 relu(W1 x + b1) + b2}
 * (not normalised) under the Euclidean distance {@code d = sqrt(||f(x1) - f(x2)||^2 + eps)},
 * learning by plain SGD. Parameters in {@link io.contrastream.loss.encoder.MlpEncoder}'s layout.
 *
 * <p>The output bias cancels: with {@code h_k = relu(W1 x_k + b1)} and {@code u = h1 - h2}, {@code
 * e = f(x1) - f(x2) = W2 u}, one product with {@code W2} instead of two. With {@code c = (dL/dd) /
 * d} the loss's gradient is {@code dL/de = c e}, and, writing {@code v = W2^T e} and {@code a_k = v
 * * [h_k > 0]} (a unit whose pre-activation is 0 or NaN is inactive, as in the encoder):
 *
 * <ul>
 *   <li>{@code dW2 = c e u^T} (rank 1) and {@code db2 = 0};
 *   <li>{@code dW1 = c (a1 x1^T - a2 x2^T)} (rank 2) and {@code db1 = c (a1 - a2)}.
 * </ul>
 *
 * <p>So the gradient is never formed: its norm is {@code |c| sqrt(G)} with {@code G = ||e||^2
 * ||u||^2 + (|a1|^2 |x1|^2 + |a2|^2 |x2|^2 - 2 (a1.a2)(x1.x2)) + |a1 - a2|^2}, summed in double
 * (the middle term, a difference, is taken as at least 0), and SGD writes each weight once. The
 * general path (two forwards, two backwards into a gradient buffer, an optimiser pass) computes the
 * same quantities; the two differ only in float rounding.
 *
 * <p>Arithmetic, which the plain loops below define and the vector kernels repeat bit for bit:
 *
 * <ul>
 *   <li>{@code h_kj = relu(chain(W1 row j, x_k) + b1_j)}, the float sum rounded once, where {@link
 *       #chain} is one fused multiply-add per input in order from {@code +0}; for a {@code W1} too
 *       large to keep in panels ({@link #chainsFirstLayer}: over {@link Panels#LIMIT} floats),
 *       {@code fmaDot} instead. {@code u_j = h1_j - h2_j} in float; {@code e_o = fmaDot(W2 row o,
 *       u)} ({@link LinearEuclideanKernel#fmaDot}: sixteen float lanes of fused multiply-adds and
 *       their tree);
 *   <li>{@code ||e||^2 = }{@link LinearEncoder#dot}{@code (e, e)} (four double accumulators);
 *   <li>{@code v_j}: from {@code +0}, {@code v_j = fma(e_o, W2[o][j], v_j)} for {@code o = 0, 1,
 *       ...} in order, from {@code W2} before the update;
 *   <li>SGD at rate {@code lr} with {@code k = lr c}: {@code W2[o][j] = fma(r_o, u_j, W2[o][j])}
 *       with {@code r_o = (float) (-k e_o)}; {@code W1[j][i] = fma(beta_j, x2_i, fma(alpha_j, x1_i,
 *       W1[j][i]))} with {@code alpha_j = (float) (-k a1_j)}, {@code beta_j = (float) (k a2_j)},
 *       every row (an inactive unit's coefficient is 0); {@code b1_j = (b1_j + alpha_j) + beta_j};
 *       {@code b2} unchanged. Each coefficient is a product in double rounded once to float.
 * </ul>
 *
 * <p><b>Working copy of {@code W1} in panels, updates applied lazily.</b> On vector kernels, when
 * the first layer sums as chains, the kernel keeps {@code W1} as panels of sixteen rows ({@link
 * VectorKernels#CHAIN_PANEL_ROWS}, each panel column-major), and that copy is the first layer
 * between pairs. A chain needs no lanes of its own: a vector holds sixteen (or eight) rows, one
 * chain per lane, so each column of a panel is one load for both inputs and the update, with no
 * tree and no sweep per column class. SGD's rank-2 update of {@code W1} is recorded ({@code alpha},
 * {@code beta} and copies of {@code x1}, {@code x2}) and written in the next pair's pass ({@link
 * VectorKernels#panelRank2ThenChainPair}): one read and one write of {@code W1} per pair (64 KiB at
 * 64 -> 256, from L2, as it does not fit in L1). The update of {@code W2} waits likewise for the
 * next {@code e = W2 u} ({@link VectorKernels#rank1ThenMatVec}, in the caller's array); {@code b1}
 * is written at once. The same bits as the plain loops, which apply every update at once. {@link
 * #flush} writes what is pending and the copy back to the caller's array; whoever writes that array
 * otherwise must flush first and then {@link #invalidate}, as with {@link LinearEuclideanKernel}.
 * The copy costs {@code hidden x in} floats per model.
 *
 * <p>Scratch buffers are owned here and reused; nothing is allocated per pair. Not thread-safe.
 */
final class MlpEuclideanKernel {

    private final int inputDim;
    private final int hiddenDim;
    private final int outputDim;

    /** Offsets of {@code b1} and {@code W2} in the parameter array. */
    private final int b1;

    private final int w2;

    private final double eps;

    /** The vector kernels, or null for the plain loops. */
    private final VectorKernels vector;

    /**
     * {@code h1 = relu(W1 x1 + b1)} and {@code h2} of the last {@link #distance}, in the first
     * {@code hiddenDim} of their {@link #rows} values (the panel kernels also write the padding
     * rows' products there; nothing reads them).
     */
    private final float[] hidden1;

    private final float[] hidden2;

    /** {@code u = h1 - h2} (swapped with {@link #pendingHiddenDiff} by a deferral). */
    private float[] hiddenDiff;

    /** The {@code u} of the pending update of {@code W2}. */
    private float[] pendingHiddenDiff;

    /** {@code e = W2 u}. */
    final float[] diff;

    /** {@code v = W2^T e}, then {@code a1} and {@code a2}. */
    private final float[] back;

    private final float[] active1;
    private final float[] active2;

    /** SGD's row coefficients: {@code r} for {@code W2}, {@code alpha} and {@code beta} for W1. */
    private final float[] outRow;

    private final float[] alpha;

    private final float[] beta;

    /** Scratch for one row (the plain loops; see {@link LinearEuclideanKernel}'s row). */
    private final float[] row;

    /**
     * Whether the first layer's sums are chains ({@link #chainsFirstLayer}), else {@link
     * LinearEuclideanKernel#fmaDot}.
     */
    private final boolean chains;

    /** The working copy of {@code W1} in panels, or null when the caller's array is used. */
    private final Panels panels;

    /**
     * Rows the first layer's kernels run over: {@code hiddenDim}, rounded up to whole panels when
     * {@code W1} is kept in panels (padding rows are 0).
     */
    private final int rows;

    /**
     * Whether an update waits: {@code W1}'s rank-2 in {@link #alpha}, {@link #beta} and the copied
     * inputs, {@code W2}'s rank-1 in {@link #outRow} and {@link #pendingHiddenDiff}.
     */
    private boolean pending;

    /** The inputs of the pending update. */
    private final float[] pendingLeft;

    private final float[] pendingRight;

    /** {@code ||e||} and {@code max |e_o|} of the last {@link #distance}. */
    double diffNorm;

    double diffMax;

    /**
     * @param inputDim, hiddenDim, outputDim the encoder's sizes, each {@code > 0}
     * @param eps the distance's {@code eps}
     * @param vector the vector kernels, or null for the plain loops
     */
    MlpEuclideanKernel(
            int inputDim, int hiddenDim, int outputDim, double eps, VectorKernels vector) {
        this.inputDim = inputDim;
        this.hiddenDim = hiddenDim;
        this.outputDim = outputDim;
        this.b1 = hiddenDim * inputDim;
        this.w2 = b1 + hiddenDim;
        this.eps = eps;
        this.vector = vector;
        this.hiddenDiff = new float[hiddenDim];
        this.pendingHiddenDiff = new float[hiddenDim];
        this.diff = new float[outputDim];
        this.back = new float[hiddenDim];
        this.active1 = new float[hiddenDim];
        this.active2 = new float[hiddenDim];
        this.outRow = new float[outputDim];
        this.row = new float[Math.max(inputDim, hiddenDim)];
        this.chains = chainsFirstLayer(hiddenDim, inputDim);
        this.panels = vector != null && chains ? Panels.forChains(hiddenDim, inputDim) : null;
        this.rows = panels != null ? panels.paddedRows : hiddenDim;
        this.alpha = new float[rows];
        this.beta = new float[rows];
        this.hidden1 = new float[rows];
        this.hidden2 = new float[rows];
        this.pendingLeft = new float[inputDim];
        this.pendingRight = new float[inputDim];
    }

    /** Whether this kernel keeps a working copy of {@code W1} in panels. */
    boolean panelled() {
        return panels != null;
    }

    /**
     * Whether the first layer of a {@code hidden x in} MLP sums as chains: when {@code W1}, its
     * rows rounded up to whole panels of 16, is within {@link Panels#LIMIT} floats, the size the
     * kernel keeps a working copy of. A rule on the shape alone, so that the results do not depend
     * on the machine.
     */
    static boolean chainsFirstLayer(int hidden, int in) {
        return Panels.fits(hidden, in, VectorKernels.CHAIN_PANEL_ROWS);
    }

    /**
     * {@code chain(w[off, off + n), x)}: from {@code +0}, {@code s = fma(w[off + i], x[i], s)} for
     * {@code i = 0, 1, ..., n - 1} in order ({@link VectorKernels#panelChainPair}'s sum).
     */
    static float chain(float[] w, int offset, float[] x, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s = Math.fma(w[offset + i], x[i], s);
        }
        return s;
    }

    /** Whether an update waits for the next {@link #distance} or {@link #flush}. */
    boolean pending() {
        return pending;
    }

    /**
     * Applies the pending update, if any, then computes {@code h1}, {@code h2}, {@code u} and
     * {@code e = W2 u} from the parameters {@code p} (and the panel copy of {@code W1}), and
     * returns {@code d = sqrt(||e||^2 + eps)} ({@code ||e||^2} as {@link LinearEncoder#dot}, four
     * double accumulators, as {@link LinearEuclideanKernel#distance}). NaN or infinite when the
     * embeddings' difference overflowed float; the caller then takes the general path for the pair
     * (after {@link #flush}).
     */
    double distance(float[] p, float[] x1, float[] x2) {
        int h = hiddenDim;
        if (panels != null) {
            float[] wp = panels.current(p);
            if (pending) {
                vector.panelRank2ThenChainPair(
                        wp,
                        rows,
                        inputDim,
                        alpha,
                        pendingLeft,
                        beta,
                        pendingRight,
                        x1,
                        x2,
                        hidden1,
                        hidden2);
                panels.written();
            } else {
                vector.panelChainPair(wp, rows, inputDim, x1, x2, hidden1, hidden2);
            }
            biasRelu(p, hidden1);
            biasRelu(p, hidden2);
        } else {
            hiddenLayer(p, x1, hidden1);
            hiddenLayer(p, x2, hidden2);
        }
        float[] u = hiddenDiff;
        for (int j = 0; j < h; j++) {
            u[j] = hidden1[j] - hidden2[j];
        }
        if (pending) {
            // W2's update, recorded with W1's, in the same pass as e = W2 u.
            vector.rank1ThenMatVec(p, w2, outputDim, h, outRow, pendingHiddenDiff, u, diff);
        } else if (vector != null) {
            vector.fmaMatVec(p, w2, outputDim, u, h, diff);
        } else {
            for (int o = 0; o < outputDim; o++) {
                diff[o] = LinearEuclideanKernel.fmaDot(p, w2 + o * h, u, h);
            }
        }
        pending = false;
        double sum = LinearEuclideanKernel.squaredNorm(vector, diff, outputDim);
        diffNorm = Math.sqrt(sum);
        diffMax = maxAbs(diff, outputDim);
        return Math.sqrt(sum + eps);
    }

    /**
     * {@code out = relu(W1 x + b1)} from the caller's row-major array: the plain loops, or the
     * vector kernels' {@code fmaDot} rows for a layer too large for chains (a layer with chains on
     * vector kernels is in panels).
     */
    private void hiddenLayer(float[] p, float[] x, float[] out) {
        int in = inputDim;
        int h = hiddenDim;
        if (chains) {
            for (int j = 0; j < h; j++) {
                out[j] = chain(p, j * in, x, in);
            }
        } else if (vector != null) {
            vector.fmaMatVec(p, 0, h, x, in, out);
        } else {
            for (int j = 0; j < h; j++) {
                out[j] = LinearEuclideanKernel.fmaDot(p, j * in, x, in);
            }
        }
        biasRelu(p, out);
    }

    /**
     * {@code out_j = relu(out_j + b1_j)}, the sum rounded once ({@link VectorKernels#biasRelu}).
     */
    private void biasRelu(float[] p, float[] out) {
        if (vector != null) {
            vector.biasRelu(out, p, b1, hiddenDim);
            return;
        }
        int bias = b1;
        for (int j = 0; j < hiddenDim; j++) {
            float pre = out[j] + p[bias + j];
            out[j] = pre > 0f ? pre : 0f;
        }
    }

    /** What {@link #backward} found: the gradient's norm and its step's bound, per unit of c. */
    static final class Backward {
        /** {@code sqrt(G)}: the gradient's Frobenius norm is {@code |c| sqrt(G)}. */
        double norm;

        /**
         * A bound on {@code |delta p_i| / |k|} for every parameter an SGD step with {@code k = lr
         * c} changes, before the float roundings of its coefficients and of the update itself.
         */
        double step;
    }

    private final Backward backward = new Backward();

    /** The three dot products of {@link #exactDots}. */
    private final double[] dots = new double[3];

    /**
     * From the last {@link #distance}'s {@code e}, {@code u} and hidden layers and the parameters
     * before any update: {@code v = W2^T e}, {@code a1}, {@code a2}, the gradient's norm and the
     * bound of its SGD step, per unit of {@code c} (see the class comment). Reused result.
     */
    Backward backward(float[] p, float[] x1, float[] x2) {
        int h = hiddenDim;
        float[] v = back;
        if (vector != null) {
            vector.fmaMatTVec(p, w2, outputDim, h, diff, v);
        } else {
            for (int j = 0; j < h; j++) {
                v[j] = 0f;
            }
            for (int o = 0; o < outputDim; o++) {
                float eo = diff[o];
                int offset = w2 + o * h;
                for (int j = 0; j < h; j++) {
                    v[j] = Math.fma(eo, p[offset + j], v[j]);
                }
            }
        }
        if (vector != null) {
            vector.reluMask(v, hidden1, active1, h);
            vector.reluMask(v, hidden2, active2, h);
        } else {
            for (int j = 0; j < h; j++) {
                float vj = v[j];
                active1[j] = hidden1[j] > 0f ? vj : 0f;
                active2[j] = hidden2[j] > 0f ? vj : 0f;
            }
        }
        int in = inputDim;
        double[] d = dots;
        exactDots(active1, active2, h);
        double a11 = d[0];
        double a22 = d[1];
        double a12 = d[2];
        exactDots(x1, x2, in);
        double x11 = d[0];
        double x22 = d[1];
        double x12 = d[2];
        double uu = LinearEuclideanKernel.squaredNorm(vector, hiddenDiff, h);
        // a1 - a2 is 0, v_j or -v_j element by element, so |a1 - a2|^2 = |a1|^2 + |a2|^2 - 2 a1.a2.
        double weights1 = Math.max(0.0, a11 * x11 + a22 * x22 - 2 * a12 * x12);
        double bias1 = Math.max(0.0, a11 + a22 - 2 * a12);
        backward.norm = Math.sqrt(diffNorm * diffNorm * uu + weights1 + bias1);
        double vMax = maxAbs(v, h);
        backward.step =
                Math.max(
                        diffMax * maxAbs(hiddenDiff, h),
                        vMax * Math.max(2.0, maxAbs(x1, in) + maxAbs(x2, in)));
        return backward;
    }

    /**
     * Plain SGD with {@code k = lr c} (already scaled by clipping), from the last {@link
     * #backward}: {@code b1} written to {@code p} at once; {@code W1} and {@code W2} too, unless
     * the kernel keeps {@code W1} in panels, where their updates are recorded for the next {@link
     * #distance} (or {@link #flush}).
     *
     * @throws IllegalStateException if an update is already pending (its pair was not scored)
     */
    void sgd(float[] p, double k, float[] x1, float[] x2) {
        if (pending) {
            throw new IllegalStateException("an update is already pending");
        }
        coefficients(k);
        writeFirstBias(p);
        if (panels != null) {
            System.arraycopy(x1, 0, pendingLeft, 0, inputDim);
            System.arraycopy(x2, 0, pendingRight, 0, inputDim);
            float[] u = hiddenDiff;
            hiddenDiff = pendingHiddenDiff;
            pendingHiddenDiff = u;
            pending = true;
        } else {
            writeSecondLayer(p, hiddenDiff);
            writeFirstLayer(p, x1, x2);
        }
    }

    /**
     * Plain SGD written to the caller's array {@code p} alone, which must be current ({@link
     * #flush}); a panel copy is left out of date, so that the caller may check {@code p} and roll
     * it back.
     */
    void sgdToRows(float[] p, double k, float[] x1, float[] x2) {
        if (pending || (panels != null && panels.behind())) {
            throw new IllegalStateException("the weights are not current: flush first");
        }
        coefficients(k);
        writeFirstBias(p);
        writeSecondLayer(p, hiddenDiff);
        writeFirstLayer(p, x1, x2);
        if (panels != null) {
            panels.forget();
        }
    }

    private void coefficients(double k) {
        int h = hiddenDim;
        if (vector != null) {
            vector.scaleInDouble(-k, diff, outRow, outputDim);
            vector.scaleInDouble(-k, active1, alpha, h);
            vector.scaleInDouble(k, active2, beta, h);
        } else {
            for (int o = 0; o < outputDim; o++) {
                outRow[o] = (float) (-k * diff[o]);
            }
            for (int j = 0; j < h; j++) {
                alpha[j] = (float) (-k * active1[j]);
                beta[j] = (float) (k * active2[j]);
            }
        }
    }

    /** {@code b1_j = (b1_j + alpha_j) + beta_j}. */
    private void writeFirstBias(float[] p) {
        if (vector != null) {
            vector.addTwo(alpha, beta, p, b1, hiddenDim);
            return;
        }
        for (int j = 0; j < hiddenDim; j++) {
            p[b1 + j] = (p[b1 + j] + alpha[j]) + beta[j];
        }
    }

    /** {@code W2}, row-major in {@code p}, with the {@code u} of its pair. */
    private void writeSecondLayer(float[] p, float[] u) {
        if (vector != null) {
            vector.rank1(p, w2, outputDim, hiddenDim, outRow, u);
        } else {
            rank1(p, w2, outputDim, hiddenDim, outRow, u);
        }
    }

    /**
     * {@code W1}, row-major in {@code p}: the {@code (alpha, x1)} update, then {@code (beta, x2)}.
     */
    private void writeFirstLayer(float[] p, float[] x1, float[] x2) {
        int h = hiddenDim;
        int in = inputDim;
        if (vector != null) {
            vector.rank1(p, 0, h, in, alpha, x1);
            vector.rank1(p, 0, h, in, beta, x2);
        } else {
            rank1(p, 0, h, in, alpha, x1);
            rank1(p, 0, h, in, beta, x2);
        }
    }

    /**
     * Writes the pending update and a panel copy's updates to {@code p}; afterwards {@code p} is
     * current (and the copy still is).
     */
    void flush(float[] p) {
        if (pending) {
            panels.rank2(hiddenDim, alpha, pendingLeft, beta, pendingRight);
            writeSecondLayer(p, pendingHiddenDiff);
            pending = false;
            panels.written();
        }
        if (panels != null) {
            panels.writeBack(p);
        }
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

    /** The plain loop of {@link VectorKernels#rank1}. */
    private void rank1(float[] w, int offset, int rows, int n, float[] a, float[] u) {
        float[] r = row;
        for (int o = 0; o < rows; o++) {
            float ao = a[o];
            int start = offset + o * n;
            System.arraycopy(w, start, r, 0, n);
            for (int i = 0; i < n; i++) {
                r[i] = Math.fma(ao, u[i], r[i]);
            }
            System.arraycopy(r, 0, w, start, n);
        }
    }

    /** {@link VectorKernels#exactDots} into {@link #dots}, or its plain loops. */
    private void exactDots(float[] a, float[] b, int n) {
        if (vector != null) {
            vector.exactDots(a, b, n, dots);
        } else {
            dots[0] = LinearEncoder.dot(a, 0, a, n);
            dots[1] = LinearEncoder.dot(b, 0, b, n);
            dots[2] = LinearEncoder.dot(a, 0, b, n);
        }
    }

    /** A float, as the step bound's sum {@code max|x1| + max|x2|} is taken in float. */
    private float maxAbs(float[] x, int n) {
        return (float) LinearEuclideanKernel.maxAbs(vector, x, n);
    }
}
