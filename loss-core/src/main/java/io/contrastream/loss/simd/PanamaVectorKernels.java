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
