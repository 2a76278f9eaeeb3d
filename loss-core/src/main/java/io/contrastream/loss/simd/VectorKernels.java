package io.contrastream.loss.simd;

/**
 * The vectorised forms of the hot loops of loss-core. Every method gives results bit-identical to
 * the plain Java loop named in its Javadoc (that loop is the reference, kept by the caller as its
 * fallback): the same float and double operations, in the same order per output element and per
 * accumulator, with no fused multiply-add where the plain loop rounds a product before adding it.
 *
 * <p>None of the methods checks its arguments (callers validate once, at their boundary): indices
 * out of range throw as array accesses do; NaN and infinities propagate as IEEE arithmetic does.
 * Nothing is allocated per call.
 *
 * <p>Obtain the implementation with {@link #best()}, which is {@code null} when vectors are not
 * available; the choice is made once per JVM.
 */
public interface VectorKernels {

    /**
     * The system property that disables the vector kernels when set to {@code false} (default
     * {@code true}: use them when the module is present).
     */
    String ENABLE_PROPERTY = "contrastream.vector";

    /**
     * The vector kernels, or {@code null} when the JVM lacks {@code jdk.incubator.vector} (started
     * without {@code --add-modules jdk.incubator.vector}), the CPU has vectors narrower than 256
     * bits, or {@value #ENABLE_PROPERTY} is {@code false}.
     */
    static VectorKernels best() {
        return VectorKernelsHolder.BEST;
    }

    /** A short description of the choice made, for logs and benchmark tables. */
    static String describe() {
        return VectorKernelsHolder.DESCRIPTION;
    }

    /**
     * A dot product in float with fused multiply-adds in sixteen lanes: over the first {@code n - n
     * % 16} elements, element {@code i} goes to accumulator {@code s_(i mod 16)} in order, {@code
     * s_k = fma(w[off + i], x[i], s_k)}; the lanes are then added as a tree, {@code s_k = s_k +
     * s_(k+h)} for {@code k < h}, {@code h = 8, 4, 2, 1}; the last {@code n % 16} elements go in
     * order to a separate {@code t = fma(w[off + i], x[i], t)}; the result is {@code s_0 + t}. Each
     * product is exact inside its fused multiply-add, so every step rounds once. {@code n = 0}
     * gives 0.
     */
    float fmaDot(float[] w, int wOffset, float[] x, int n);

    /**
     * {@code out[o] = fmaDot(w, wOffset + o * n, x, n)} for {@code o < rows}: a matrix-vector
     * product over {@code rows} consecutive rows of length {@code n} starting at {@code wOffset}.
     * Several rows run at once, sharing the loads of {@code x}.
     */
    void fmaMatVec(float[] w, int wOffset, int rows, float[] x, int n, float[] out);

    /**
     * The transposed product {@code out = W^T a} of the {@code rows x n} matrix at {@code wOffset}
     * (row-major): each {@code out[i]} starts at {@code +0} and takes {@code out[i] = fma(a[o],
     * w[wOffset + o * n + i], out[i])} for {@code o = 0, 1, ..., rows - 1} in order, one rounding
     * per step. {@code rows = 0} gives zeros.
     */
    void fmaMatTVec(float[] w, int wOffset, int rows, int n, float[] a, float[] out);

    /**
     * The rank-1 update {@code W(o, i) = fma(a[o], u[i], W(o, i))} for {@code o < rows}, {@code i <
     * n} of the row-major matrix at {@code wOffset}, then {@code out[o] = fmaDot(row o, x, n)} on
     * the updated rows: a pending update applied in the same pass over {@code w} as the next
     * product, with the results of {@link #rank1} followed by {@link #fmaMatVec}.
     */
    void rank1ThenMatVec(
            float[] w, int wOffset, int rows, int n, float[] a, float[] u, float[] x, float[] out);

    /**
     * {@code w[wOffset + o * n + i] = fma(a[o], u[i], w[wOffset + o * n + i])} for {@code o <
     * rows}, {@code i < n}.
     */
    void rank1(float[] w, int wOffset, int rows, int n, float[] a, float[] u);

    /**
     * The rows per panel of the panel kernels below ({@link #panelMatVec} and its kin): 16 where
     * sixteen float lanes are one register (AVX-512), or 0 when they are not available (the caller
     * then keeps its matrix row-major and uses {@link #fmaMatVec}).
     *
     * <p>The panel layout stores the matrix as panels of sixteen consecutive rows, each panel
     * column-major: element {@code (o, i)} of a matrix of {@code n} columns is at {@code (o - o %
     * 16) * n + i * 16 + o % 16}. A panel's column is then one register, and the sixteen
     * accumulators of {@link #fmaDot} for its sixteen rows are sixteen vectors whose lanes are the
     * rows ({@code s_k} of row {@code o} is lane {@code o % 16} of vector {@code k}): the tree that
     * adds a row's accumulators is fifteen vector additions for sixteen rows, where row-major it is
     * four lane shuffles and four additions for each row (on JDK 17 those shuffles were a large
     * part of a small product such as 64 -> 32). Same operations in the same order per row: the
     * same bits. Each panel is one contiguous run walked at a constant step of sixteen floats, so
     * the JIT proves every access in bounds once per loop instead of checking each load (a plain
     * column-major layout, element {@code (o, i)} at {@code i * rows + o}, steps by the row count,
     * which it could not prove, and ran at about half the speed).
     */
    int panelRows();

    /**
     * {@code out[o] = fmaDot(row o, x, n)} for {@code o < rows}, the matrix stored in panels
     * ({@link #panelRows()}). The {@code rows} are a multiple of {@link #panelRows()} (rows past
     * the matrix's own are padding, computed like the others); {@code out} holds at least {@code
     * rows} values.
     *
     * @throws UnsupportedOperationException if {@link #panelRows()} is 0 or {@code rows} is not a
     *     multiple of it (so too the two methods below)
     */
    void panelMatVec(float[] wp, int rows, float[] x, int n, float[] out);

    /**
     * {@link #panelRank1} then {@link #panelMatVec}, in one pass over {@code wp}: {@link
     * #rank1ThenMatVec} for a matrix stored in panels. {@code a} holds at least {@code rows}
     * values.
     */
    void panelRank1ThenMatVec(
            float[] wp, int rows, int n, float[] a, float[] u, float[] x, float[] out);

    /**
     * {@code W(o, i) = fma(a[o], u[i], W(o, i))} for {@code o < rows}, {@code i < n}, on a matrix
     * stored in panels: {@link #rank1}, element by element the same.
     */
    void panelRank1(float[] wp, int rows, int n, float[] a, float[] u);

    /**
     * The rows per panel of {@link #panelChainPair} and {@link #panelRank2ThenChainPair}: 16 on
     * every vector width, in the layout of {@link #panelRows()}'s panels (element {@code (o, i)} at
     * {@code (o - o % 16) * n + i * 16 + o % 16}).
     */
    int CHAIN_PANEL_ROWS = 16;

    /**
     * {@code out1[o] = chain(row o, x1)} and {@code out2[o] = chain(row o, x2)} for {@code o <
     * rows}, where {@code chain(w, x)} starts at {@code +0} and takes {@code s = fma(w[i], x[i],
     * s)} for {@code i = 0, 1, ..., n - 1} in order (one rounding per element, no lanes or tree),
     * the matrix stored in panels of {@link #CHAIN_PANEL_ROWS} rows; {@code rows} is a multiple of
     * 16 (padding rows are computed like the others) and {@code out1}, {@code out2} hold at least
     * {@code rows} values. Any {@code n >= 0}. Rows are independent, so a vector holds rows: every
     * lane is one row's chain, on any vector width, and the two inputs share each load of the
     * matrix.
     *
     * @throws IllegalArgumentException if {@code rows} is not a multiple of 16
     */
    void panelChainPair(
            float[] wp, int rows, int n, float[] x1, float[] x2, float[] out1, float[] out2);

    /**
     * The rank-2 update {@code W(o, i) = fma(c[o], y[i], fma(a[o], u[i], W(o, i)))} then {@link
     * #panelChainPair} on the updated matrix, in one pass over {@code wp}: each element is loaded,
     * updated, stored and multiplied by both inputs. {@code a} and {@code c} hold at least {@code
     * rows} values.
     *
     * @throws IllegalArgumentException as {@link #panelChainPair}
     */
    void panelRank2ThenChainPair(
            float[] wp,
            int rows,
            int n,
            float[] a,
            float[] u,
            float[] c,
            float[] y,
            float[] x1,
            float[] x2,
            float[] out1,
            float[] out2);

    /**
     * The largest {@code |x[i]|} over {@code i < n}, {@code 0} for {@code n = 0}: NaN if any value
     * is NaN, infinite if any is infinite and none NaN; exact (no rounding in a maximum).
     */
    float maxAbs(float[] x, int n);

    /**
     * Whether every {@code x[i]}, {@code i < n}, is finite (neither NaN nor infinite); true for
     * {@code n = 0}. Cheaper than {@link #maxAbs} for the question: a mask test instead of a lane
     * reduction.
     */
    boolean allFinite(float[] x, int n);

    /**
     * {@code sum_i (double) w[off + i] * x[i]} over {@code i < n} in double, in four accumulators
     * {@code s_k} (elements {@code i = k mod 4} in order, a tail added to {@code s0}), returned as
     * {@code (s0 + s1) + (s2 + s3)}. A product of two floats is exact in double, so each
     * accumulation step rounds once whether or not it is fused.
     */
    double exactDot(float[] w, int wOffset, float[] x, int n);

    /**
     * The three dot products of two vectors at once: {@code out[0] = exactDot(a, 0, a, n)}, {@code
     * out[1] = exactDot(b, 0, b, n)} and {@code out[2] = exactDot(a, 0, b, n)}, each bit for bit as
     * {@link #exactDot}: three independent accumulations in one loop, where three calls would each
     * wait on one chain of dependent additions.
     */
    void exactDots(float[] a, float[] b, int n, double[] out);

    /** {@code y[yOffset + i] = (y[yOffset + i] + a[i]) + b[i]} for {@code i < n}, in float. */
    void addTwo(float[] a, float[] b, float[] y, int yOffset, int n);

    /**
     * {@code out[r] = (float) (bias[biasOffset + r] + exactDot(w, wOffset + r * n, x, n))} for
     * {@code r < rows}: an affine layer over {@code rows} consecutive rows of length {@code n},
     * each row's dot product exactly as {@link #exactDot}; several rows run at once.
     */
    void exactAffine(
            float[] w,
            int wOffset,
            int rows,
            float[] x,
            int n,
            float[] bias,
            int biasOffset,
            float[] out);

    /**
     * {@code y[yOff + i] += a * x[xOff + i]} for {@code i < n}: the product rounded, then added.
     */
    void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int n);

    /**
     * {@code out[i] = (float) (k * (double) x[i])} for {@code i < n}: each product in double,
     * rounded once to float. (As a plain loop, C2 chained the scalar conversions through one
     * register's false dependency, each element waiting for the previous one: README, "A false
     * dependency in the update's coefficients".)
     */
    void scaleInDouble(double k, float[] x, float[] out, int n);

    /**
     * A hidden layer's bias and ReLU in place: {@code x[i] = p > 0 ? p : 0} with {@code p = x[i] +
     * bias[biasOffset + i]} (the float sum rounded once) for {@code i < n}: {@code -0}, {@code 0}
     * and NaN sums give {@code +0}. Without branches: a unit's activity is as random as the data,
     * and a mispredicted branch per unit cost more than the layer's arithmetic.
     */
    void biasRelu(float[] x, float[] bias, int biasOffset, int n);

    /**
     * {@code out[i] = h[i] > 0 ? v[i] : 0} for {@code i < n}: {@code v} where the unit was active
     * (a NaN {@code h} is not), {@code +0} elsewhere; without branches, as {@link #biasRelu}.
     */
    void reluMask(float[] v, float[] h, float[] out, int n);

    /** {@code y[yOff + i] = a * x[i]} for {@code i < n}. */
    void scale(float a, float[] x, float[] y, int yOffset, int n);

    /** {@code out[i] = a[i] - b[i]} for {@code i < n}. */
    void subtract(float[] a, float[] b, float[] out, int n);

    /**
     * Plain SGD over the first {@code n} values: {@code p[i] -= lr * g[i]} when {@code keep == 1},
     * else {@code p[i] = p[i] * keep - lr * g[i]}.
     */
    void sgd(float[] params, float[] grads, int n, float lr, float keep);

    /**
     * One Adam step over {@code n} parameters whose state is {@code [m (n), v (n)]}: {@code m = b1
     * m + c1 g}, {@code v = b2 v + (c2 g) g}, {@code denom = sqrt(v) * secondCorrection + eps},
     * {@code p = p * keep - (stepSize * m) / denom}; float throughout, each operation rounded.
     */
    void adam(
            float[] params,
            float[] grads,
            float[] state,
            int n,
            float b1,
            float c1,
            float b2,
            float c2,
            float stepSize,
            float secondCorrection,
            float epsilon,
            float keep);
}
