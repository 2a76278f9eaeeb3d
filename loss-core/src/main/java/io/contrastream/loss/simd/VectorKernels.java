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
     * {@code out[o] = fmaDot(w, o * n, x, n)} for {@code o < rows}: a matrix-vector product over
     * {@code rows} consecutive rows of length {@code n}. Several rows run at once, sharing the
     * loads of {@code x}.
     */
    void fmaMatVec(float[] w, int rows, float[] x, int n, float[] out);

    /**
     * The rank-1 update {@code w[o * n + i] = fma(a[o], u[i], w[o * n + i])} for {@code o < rows},
     * {@code i < n}, then {@code out[o] = fmaDot(w, o * n, x, n)} on the updated rows: a pending
     * update applied in the same pass over {@code w} as the next product, with the results of
     * {@link #rank1} followed by {@link #fmaMatVec}.
     */
    void rank1ThenMatVec(float[] w, int rows, int n, float[] a, float[] u, float[] x, float[] out);

    /** {@code w[o * n + i] = fma(a[o], u[i], w[o * n + i])} for {@code o < rows}, {@code i < n}. */
    void rank1(float[] w, int rows, int n, float[] a, float[] u);

    /**
     * The rows per block of the column-major kernels below ({@link #columnMatVec} and its kin): 16
     * where sixteen float lanes are one register (AVX-512), or 0 when they are not available (the
     * caller then keeps its matrix row-major and uses {@link #fmaMatVec}).
     *
     * <p>Column-major, the sixteen accumulators of {@link #fmaDot} for sixteen rows are sixteen
     * vectors whose lanes are the rows: {@code s_k} of row {@code o} is lane {@code o} of vector
     * {@code k}. The tree that adds the accumulators of a row is then fifteen vector additions for
     * sixteen rows, where row-major it is four lane shuffles and four additions for each row (on
     * JDK 17 those shuffles are a large part of a small product such as 64 -> 32). Same operations
     * in the same order per row: the same bits.
     */
    int columnBlock();

    /**
     * {@code out[o] = fmaDot(row o, x, n)} for {@code o < stride}, where row {@code o} of the
     * matrix is stored column-major: element {@code (o, i)} at {@code wt[i * stride + o]}. The
     * {@code stride} is a multiple of {@link #columnBlock()} (rows past the matrix's own are
     * padding, computed like the others); {@code out} holds at least {@code stride} values.
     *
     * @throws UnsupportedOperationException if {@link #columnBlock()} is 0 or {@code stride} is not
     *     a multiple of it (so too the two methods below)
     */
    void columnMatVec(float[] wt, int stride, float[] x, int n, float[] out);

    /**
     * {@link #columnRank1} then {@link #columnMatVec}, in one pass over {@code wt}: {@link
     * #rank1ThenMatVec} for a column-major matrix. {@code a} holds at least {@code stride} values.
     */
    void columnRank1ThenMatVec(
            float[] wt, int stride, int n, float[] a, float[] u, float[] x, float[] out);

    /**
     * {@code wt[i * stride + o] = fma(a[o], u[i], wt[i * stride + o])} for {@code o < stride},
     * {@code i < n}: {@link #rank1} on a column-major matrix, element by element the same.
     */
    void columnRank1(float[] wt, int stride, int n, float[] a, float[] u);

    /**
     * The largest {@code |x[i]|} over {@code i < n}, {@code 0} for {@code n = 0}: NaN if any value
     * is NaN, infinite if any is infinite and none NaN; exact (no rounding in a maximum).
     */
    float maxAbs(float[] x, int n);

    /**
     * {@code sum_i (double) w[off + i] * x[i]} over {@code i < n} in double, in four accumulators
     * {@code s_k} (elements {@code i = k mod 4} in order, a tail added to {@code s0}), returned as
     * {@code (s0 + s1) + (s2 + s3)}. A product of two floats is exact in double, so each
     * accumulation step rounds once whether or not it is fused.
     */
    double exactDot(float[] w, int wOffset, float[] x, int n);

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
