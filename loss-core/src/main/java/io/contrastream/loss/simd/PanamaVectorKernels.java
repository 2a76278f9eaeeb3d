package io.contrastream.loss.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorKernels} on {@code jdk.incubator.vector} (JDK 17's incubating Vector API). Loaded by
 * name only when the module is present (see {@link VectorKernelsHolder}); never referenced
 * directly, so the rest of loss-core links without the module.
 *
 * <p>Element-wise kernels use the preferred float species (16 lanes with AVX-512). The two
 * reductions keep the plain loop's accumulators as lanes: eight double lanes for {@link
 * #roundedProductSum}, four for {@link #exactDot}, each lane adding its elements in the plain
 * loop's order, and the lanes combined in the plain loop's order at the end; that is what makes
 * them bit-identical rather than merely close.
 */
final class PanamaVectorKernels implements VectorKernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;

    /** Whether eight double lanes fit one register (AVX-512); else two four-lane halves. */
    private static final boolean WIDE_DOUBLES = DoubleVector.SPECIES_PREFERRED.length() >= 8;

    private PanamaVectorKernels() {}

    /** The kernels, or null when the CPU's vectors are narrower than 256 bits. */
    public static VectorKernels createIfUseful() {
        return F.vectorBitSize() >= 256 ? new PanamaVectorKernels() : null;
    }

    @Override
    public double roundedProductSum(float[] w, int wOffset, float[] x, int n) {
        int bound = n - (n & 7);
        int i = 0;
        double s0;
        double s1;
        double s2;
        double s3;
        double s4;
        double s5;
        double s6;
        double s7;
        if (WIDE_DOUBLES) {
            DoubleVector acc = DoubleVector.zero(D8);
            for (; i < bound; i += 8) {
                FloatVector p =
                        FloatVector.fromArray(F8, w, wOffset + i)
                                .mul(FloatVector.fromArray(F8, x, i));
                acc = acc.add((DoubleVector) p.convertShape(VectorOperators.F2D, D8, 0));
            }
            s0 = acc.lane(0);
            s1 = acc.lane(1);
            s2 = acc.lane(2);
            s3 = acc.lane(3);
            s4 = acc.lane(4);
            s5 = acc.lane(5);
            s6 = acc.lane(6);
            s7 = acc.lane(7);
        } else {
            DoubleVector low = DoubleVector.zero(D4);
            DoubleVector high = DoubleVector.zero(D4);
            for (; i < bound; i += 8) {
                FloatVector p =
                        FloatVector.fromArray(F8, w, wOffset + i)
                                .mul(FloatVector.fromArray(F8, x, i));
                low = low.add((DoubleVector) p.convertShape(VectorOperators.F2D, D4, 0));
                high = high.add((DoubleVector) p.convertShape(VectorOperators.F2D, D4, 1));
            }
            s0 = low.lane(0);
            s1 = low.lane(1);
            s2 = low.lane(2);
            s3 = low.lane(3);
            s4 = high.lane(0);
            s5 = high.lane(1);
            s6 = high.lane(2);
            s7 = high.lane(3);
        }
        for (; i < n; i++) {
            s0 += w[wOffset + i] * x[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** Lane swaps that add neighbours, then neighbouring pairs, in the plain loop's order. */
    private static final jdk.incubator.vector.VectorShuffle<Double> SWAP_ONE =
            jdk.incubator.vector.VectorShuffle.fromValues(D8, 1, 0, 3, 2, 5, 4, 7, 6);

    private static final jdk.incubator.vector.VectorShuffle<Double> SWAP_TWO =
            jdk.incubator.vector.VectorShuffle.fromValues(D8, 2, 3, 0, 1, 6, 7, 4, 5);

    @Override
    public void roundedMatVec(float[] w, int rows, float[] x, int n, float[] out) {
        if (!WIDE_DOUBLES || (n & 7) != 0) {
            for (int o = 0; o < rows; o++) {
                out[o] = (float) roundedProductSum(w, o * n, x, n);
            }
            return;
        }
        int o = 0;
        for (; o + 3 < rows; o += 4) {
            int r0 = o * n;
            int r1 = r0 + n;
            int r2 = r1 + n;
            int r3 = r2 + n;
            DoubleVector a0 = DoubleVector.zero(D8);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            for (int i = 0; i < n; i += 8) {
                FloatVector xv = FloatVector.fromArray(F8, x, i);
                FloatVector p0 = FloatVector.fromArray(F8, w, r0 + i).mul(xv);
                FloatVector p1 = FloatVector.fromArray(F8, w, r1 + i).mul(xv);
                FloatVector p2 = FloatVector.fromArray(F8, w, r2 + i).mul(xv);
                FloatVector p3 = FloatVector.fromArray(F8, w, r3 + i).mul(xv);
                a0 = a0.add((DoubleVector) p0.convertShape(VectorOperators.F2D, D8, 0));
                a1 = a1.add((DoubleVector) p1.convertShape(VectorOperators.F2D, D8, 0));
                a2 = a2.add((DoubleVector) p2.convertShape(VectorOperators.F2D, D8, 0));
                a3 = a3.add((DoubleVector) p3.convertShape(VectorOperators.F2D, D8, 0));
            }
            // ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)) of each accumulator's lanes:
            // s0 + s1 and s1 + s0 are the same double, so each step adds a lane-swapped copy.
            // Written out rather than in a helper: a vector passed to a method C2 does not
            // inline is boxed, and this must allocate nothing.
            a0 = a0.add(a0.rearrange(SWAP_ONE));
            a1 = a1.add(a1.rearrange(SWAP_ONE));
            a2 = a2.add(a2.rearrange(SWAP_ONE));
            a3 = a3.add(a3.rearrange(SWAP_ONE));
            a0 = a0.add(a0.rearrange(SWAP_TWO));
            a1 = a1.add(a1.rearrange(SWAP_TWO));
            a2 = a2.add(a2.rearrange(SWAP_TWO));
            a3 = a3.add(a3.rearrange(SWAP_TWO));
            out[o] = (float) (a0.lane(0) + a0.lane(4));
            out[o + 1] = (float) (a1.lane(0) + a1.lane(4));
            out[o + 2] = (float) (a2.lane(0) + a2.lane(4));
            out[o + 3] = (float) (a3.lane(0) + a3.lane(4));
        }
        for (; o < rows; o++) {
            out[o] = (float) roundedProductSum(w, o * n, x, n);
        }
    }

    @Override
    public float maxAbs(float[] x, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        FloatVector m = FloatVector.zero(F);
        for (; i < bound; i += F.length()) {
            m = m.max(FloatVector.fromArray(F, x, i).abs());
        }
        float max = m.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            max = Math.max(max, Math.abs(x[i]));
        }
        return max;
    }

    @Override
    public double exactDot(float[] w, int wOffset, float[] x, int n) {
        int bound = n - (n & 3);
        int i = 0;
        DoubleVector acc = DoubleVector.zero(D4);
        for (; i < bound; i += 4) {
            DoubleVector a =
                    (DoubleVector)
                            FloatVector.fromArray(F4, w, wOffset + i)
                                    .convertShape(VectorOperators.F2D, D4, 0);
            DoubleVector b =
                    (DoubleVector)
                            FloatVector.fromArray(F4, x, i)
                                    .convertShape(VectorOperators.F2D, D4, 0);
            // The product of two floats is exact in double: fused or not, one rounding.
            acc = a.fma(b, acc);
        }
        double s0 = acc.lane(0);
        for (; i < n; i++) {
            s0 += (double) w[wOffset + i] * x[i];
        }
        return (s0 + acc.lane(1)) + (acc.lane(2) + acc.lane(3));
    }

    @Override
    public void exactAffine(
            float[] w,
            int wOffset,
            int rows,
            float[] x,
            int n,
            float[] bias,
            int biasOffset,
            float[] out) {
        int bound = n - (n & 3);
        int r = 0;
        // Four rows at a time: four independent FMA chains, one conversion of x for all four.
        for (; r + 3 < rows; r += 4) {
            int w0 = wOffset + r * n;
            int w1 = w0 + n;
            int w2 = w1 + n;
            int w3 = w2 + n;
            DoubleVector a0 = DoubleVector.zero(D4);
            DoubleVector a1 = a0;
            DoubleVector a2 = a0;
            DoubleVector a3 = a0;
            for (int i = 0; i < bound; i += 4) {
                DoubleVector xv =
                        (DoubleVector)
                                FloatVector.fromArray(F4, x, i)
                                        .convertShape(VectorOperators.F2D, D4, 0);
                DoubleVector v0 =
                        (DoubleVector)
                                FloatVector.fromArray(F4, w, w0 + i)
                                        .convertShape(VectorOperators.F2D, D4, 0);
                DoubleVector v1 =
                        (DoubleVector)
                                FloatVector.fromArray(F4, w, w1 + i)
                                        .convertShape(VectorOperators.F2D, D4, 0);
                DoubleVector v2 =
                        (DoubleVector)
                                FloatVector.fromArray(F4, w, w2 + i)
                                        .convertShape(VectorOperators.F2D, D4, 0);
                DoubleVector v3 =
                        (DoubleVector)
                                FloatVector.fromArray(F4, w, w3 + i)
                                        .convertShape(VectorOperators.F2D, D4, 0);
                a0 = v0.fma(xv, a0);
                a1 = v1.fma(xv, a1);
                a2 = v2.fma(xv, a2);
                a3 = v3.fma(xv, a3);
            }
            double s0 = a0.lane(0);
            double t0 = a1.lane(0);
            double u0 = a2.lane(0);
            double v0 = a3.lane(0);
            for (int i = bound; i < n; i++) {
                double xi = x[i];
                s0 += w[w0 + i] * xi;
                t0 += w[w1 + i] * xi;
                u0 += w[w2 + i] * xi;
                v0 += w[w3 + i] * xi;
            }
            double d0 = (s0 + a0.lane(1)) + (a0.lane(2) + a0.lane(3));
            double d1 = (t0 + a1.lane(1)) + (a1.lane(2) + a1.lane(3));
            double d2 = (u0 + a2.lane(1)) + (a2.lane(2) + a2.lane(3));
            double d3 = (v0 + a3.lane(1)) + (a3.lane(2) + a3.lane(3));
            out[r] = (float) (bias[biasOffset + r] + d0);
            out[r + 1] = (float) (bias[biasOffset + r + 1] + d1);
            out[r + 2] = (float) (bias[biasOffset + r + 2] + d2);
            out[r + 3] = (float) (bias[biasOffset + r + 3] + d3);
        }
        for (; r < rows; r++) {
            out[r] = (float) (bias[biasOffset + r] + exactDot(w, wOffset + r * n, x, n));
        }
    }

    @Override
    public void axpy(float a, float[] x, int xOffset, float[] y, int yOffset, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        FloatVector av = FloatVector.broadcast(F, a);
        for (; i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, xOffset + i)
                    .mul(av)
                    .add(FloatVector.fromArray(F, y, yOffset + i))
                    .intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] += a * x[xOffset + i];
        }
    }

    @Override
    public void scale(float a, float[] x, float[] y, int yOffset, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector.fromArray(F, x, i).mul(a).intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] = a * x[i];
        }
    }

    @Override
    public void subtract(float[] a, float[] b, float[] out, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector.fromArray(F, a, i).sub(FloatVector.fromArray(F, b, i)).intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = a[i] - b[i];
        }
    }

    @Override
    public void sgd(float[] params, float[] grads, int n, float lr, float keep) {
        int bound = F.loopBound(n);
        int i = 0;
        if (keep == 1f) {
            for (; i < bound; i += F.length()) {
                FloatVector.fromArray(F, params, i)
                        .sub(FloatVector.fromArray(F, grads, i).mul(lr))
                        .intoArray(params, i);
            }
            for (; i < n; i++) {
                params[i] -= lr * grads[i];
            }
        } else {
            for (; i < bound; i += F.length()) {
                FloatVector.fromArray(F, params, i)
                        .mul(keep)
                        .sub(FloatVector.fromArray(F, grads, i).mul(lr))
                        .intoArray(params, i);
            }
            for (; i < n; i++) {
                params[i] = params[i] * keep - lr * grads[i];
            }
        }
    }

    @Override
    public void adam(
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
            float keep) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector g = FloatVector.fromArray(F, grads, i);
            FloatVector m = FloatVector.fromArray(F, state, i).mul(b1).add(g.mul(c1));
            FloatVector v = FloatVector.fromArray(F, state, n + i).mul(b2).add(g.mul(c2).mul(g));
            m.intoArray(state, i);
            v.intoArray(state, n + i);
            // A float's square root rounded from double equals the correctly rounded float one.
            FloatVector denom = v.lanewise(VectorOperators.SQRT).mul(secondCorrection).add(epsilon);
            FloatVector.fromArray(F, params, i)
                    .mul(keep)
                    .sub(m.mul(stepSize).div(denom))
                    .intoArray(params, i);
        }
        for (; i < n; i++) {
            float g = grads[i];
            float m = b1 * state[i] + c1 * g;
            float v = b2 * state[n + i] + c2 * g * g;
            state[i] = m;
            state[n + i] = v;
            float denom = (float) Math.sqrt(v) * secondCorrection + epsilon;
            params[i] = params[i] * keep - stepSize * m / denom;
        }
    }

    @Override
    public String toString() {
        return "vector (jdk.incubator.vector, " + F.vectorBitSize() + "-bit float lanes)";
    }
}
