package io.contrastream.loss.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link VectorKernels} on {@code jdk.incubator.vector} (JDK 17's incubating Vector API). Loaded by
 * name only when the module is present (see {@link VectorKernelsHolder}); never referenced
 * directly, so the rest of loss-core links without the module.
 *
 * <p>Element-wise kernels use the preferred float species (16 lanes with AVX-512). The reductions
 * keep the plain loop's accumulators as lanes: sixteen float lanes for {@link #fmaDot} (one 512-bit
 * register, or two 256-bit halves), four double lanes for {@link #exactDot}, each lane adding its
 * elements in the plain loop's order, and the lanes combined in the plain loop's order at the end
 * (a fixed tree of lane swaps, never {@code reduceLanes}, whose order is unspecified); that is what
 * makes them bit-identical rather than merely close.
 */
final class PanamaVectorKernels implements VectorKernels {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final VectorSpecies<Float> F16 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    private static final VectorSpecies<Double> D8 = DoubleVector.SPECIES_512;

    /**
     * Whether the sixteen float lanes of {@link #fmaDot} are one register (AVX-512); else two
     * eight-lane halves, with the same results.
     */
    private final boolean wide;

    private PanamaVectorKernels(boolean wide) {
        this.wide = wide;
    }

    /** The kernels, or null when the CPU's vectors are narrower than 256 bits. */
    public static VectorKernels createIfUseful() {
        return F.vectorBitSize() >= 256 ? new PanamaVectorKernels(F.length() >= 16) : null;
    }

    /** The kernels with sixteen-lane sums on two eight-lane halves (for tests on AVX-512). */
    static VectorKernels narrow() {
        return new PanamaVectorKernels(false);
    }

    @Override
    public float fmaDot(float[] w, int wOffset, float[] x, int n) {
        int bound = n - (n & 15);
        int i = 0;
        float s;
        if (wide) {
            FloatVector acc = FloatVector.zero(F16);
            for (; i < bound; i += 16) {
                acc =
                        FloatVector.fromArray(F16, w, wOffset + i)
                                .fma(FloatVector.fromArray(F16, x, i), acc);
            }
            s = laneTree(acc);
        } else {
            FloatVector low = FloatVector.zero(F8);
            FloatVector high = low;
            for (; i < bound; i += 16) {
                low =
                        FloatVector.fromArray(F8, w, wOffset + i)
                                .fma(FloatVector.fromArray(F8, x, i), low);
                high =
                        FloatVector.fromArray(F8, w, wOffset + i + 8)
                                .fma(FloatVector.fromArray(F8, x, i + 8), high);
            }
            FloatVector acc = low.add(high);
            acc = acc.add(acc.rearrange(SWAP_FOUR_8));
            acc = acc.add(acc.rearrange(SWAP_TWO_8));
            acc = acc.add(acc.rearrange(SWAP_ONE_8));
            s = acc.lane(0);
        }
        float t = 0f;
        for (; i < n; i++) {
            t = Math.fma(w[wOffset + i], x[i], t);
        }
        return s + t;
    }

    /** Lane swaps for the sixteen-lane tree: lane k with k ^ 8, k ^ 4, k ^ 2, k ^ 1. */
    private static final VectorShuffle<Float> SWAP_EIGHT = swap(F16, 8);

    private static final VectorShuffle<Float> SWAP_FOUR_16 = swap(F16, 4);
    private static final VectorShuffle<Float> SWAP_TWO_16 = swap(F16, 2);
    private static final VectorShuffle<Float> SWAP_ONE_16 = swap(F16, 1);
    private static final VectorShuffle<Float> SWAP_FOUR_8 = swap(F8, 4);
    private static final VectorShuffle<Float> SWAP_TWO_8 = swap(F8, 2);
    private static final VectorShuffle<Float> SWAP_ONE_8 = swap(F8, 1);

    private static VectorShuffle<Float> swap(VectorSpecies<Float> species, int bit) {
        return VectorShuffle.fromOp(species, k -> k ^ bit);
    }

    /**
     * The sixteen lanes of {@code acc} added as {@link #fmaDot}'s tree ({@code s_k += s_(k+h)}, h =
     * 8, 4, 2, 1), lane 0 returned. Small (54 bytes of bytecode): C2 inlines it at every hot call
     * ({@code -XX:+PrintInlining} on {@code LearnCpuRate}: "inline (hot)" at each call site), so
     * the vector is not boxed.
     */
    private static float laneTree(FloatVector acc) {
        acc = acc.add(acc.rearrange(SWAP_EIGHT));
        acc = acc.add(acc.rearrange(SWAP_FOUR_16));
        acc = acc.add(acc.rearrange(SWAP_TWO_16));
        acc = acc.add(acc.rearrange(SWAP_ONE_16));
        return acc.lane(0);
    }

    @Override
    public void fmaMatVec(float[] w, int wOffset, int rows, float[] x, int n, float[] out) {
        if (!wide || (n & 15) != 0) {
            for (int o = 0; o < rows; o++) {
                out[o] = fmaDot(w, wOffset + o * n, x, n);
            }
            return;
        }
        // Two rows at a time: with four, C2 (JDK 17) stopped inlining the fourth laneTree
        // (-XX:+PrintInlining: NodeCountInliningCutoff) and boxed its vector, several times slower.
        int o = 0;
        for (; o + 1 < rows; o += 2) {
            int r0 = wOffset + o * n;
            int r1 = r0 + n;
            FloatVector a0 = FloatVector.zero(F16);
            FloatVector a1 = a0;
            for (int i = 0; i < n; i += 16) {
                FloatVector xv = FloatVector.fromArray(F16, x, i);
                a0 = FloatVector.fromArray(F16, w, r0 + i).fma(xv, a0);
                a1 = FloatVector.fromArray(F16, w, r1 + i).fma(xv, a1);
            }
            // No tail: fmaDot's s_0 + t with t = +0 (which also turns a -0 sum into +0).
            out[o] = laneTree(a0) + 0f;
            out[o + 1] = laneTree(a1) + 0f;
        }
        for (; o < rows; o++) {
            out[o] = fmaDot(w, wOffset + o * n, x, n);
        }
    }

    @Override
    public void fmaMatTVec(float[] w, int wOffset, int rows, int n, float[] a, float[] out) {
        int step = F.length();
        int i = 0;
        // Eight registers of outputs at a time, each taking the rows in order: eight chains of
        // dependent FMAs in flight, where four left the FMA units waiting on their latency; then
        // four, one, and a scalar tail.
        for (; i + 8 * step <= n; i += 8 * step) {
            FloatVector c0 = FloatVector.zero(F);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            FloatVector c4 = c0;
            FloatVector c5 = c0;
            FloatVector c6 = c0;
            FloatVector c7 = c0;
            for (int o = 0; o < rows; o++) {
                int r = wOffset + o * n + i;
                FloatVector b = FloatVector.broadcast(F, a[o]);
                c0 = b.fma(FloatVector.fromArray(F, w, r), c0);
                c1 = b.fma(FloatVector.fromArray(F, w, r + step), c1);
                c2 = b.fma(FloatVector.fromArray(F, w, r + 2 * step), c2);
                c3 = b.fma(FloatVector.fromArray(F, w, r + 3 * step), c3);
                c4 = b.fma(FloatVector.fromArray(F, w, r + 4 * step), c4);
                c5 = b.fma(FloatVector.fromArray(F, w, r + 5 * step), c5);
                c6 = b.fma(FloatVector.fromArray(F, w, r + 6 * step), c6);
                c7 = b.fma(FloatVector.fromArray(F, w, r + 7 * step), c7);
            }
            ((FloatVector) c0.check(F)).intoArray(out, i);
            ((FloatVector) c1.check(F)).intoArray(out, i + step);
            ((FloatVector) c2.check(F)).intoArray(out, i + 2 * step);
            ((FloatVector) c3.check(F)).intoArray(out, i + 3 * step);
            ((FloatVector) c4.check(F)).intoArray(out, i + 4 * step);
            ((FloatVector) c5.check(F)).intoArray(out, i + 5 * step);
            ((FloatVector) c6.check(F)).intoArray(out, i + 6 * step);
            ((FloatVector) c7.check(F)).intoArray(out, i + 7 * step);
        }
        for (; i + 4 * step <= n; i += 4 * step) {
            FloatVector c0 = FloatVector.zero(F);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            for (int o = 0; o < rows; o++) {
                int r = wOffset + o * n + i;
                FloatVector b = FloatVector.broadcast(F, a[o]);
                c0 = b.fma(FloatVector.fromArray(F, w, r), c0);
                c1 = b.fma(FloatVector.fromArray(F, w, r + step), c1);
                c2 = b.fma(FloatVector.fromArray(F, w, r + 2 * step), c2);
                c3 = b.fma(FloatVector.fromArray(F, w, r + 3 * step), c3);
            }
            ((FloatVector) c0.check(F)).intoArray(out, i);
            ((FloatVector) c1.check(F)).intoArray(out, i + step);
            ((FloatVector) c2.check(F)).intoArray(out, i + 2 * step);
            ((FloatVector) c3.check(F)).intoArray(out, i + 3 * step);
        }
        for (; i + step <= n; i += step) {
            FloatVector c = FloatVector.zero(F);
            for (int o = 0; o < rows; o++) {
                c =
                        FloatVector.broadcast(F, a[o])
                                .fma(FloatVector.fromArray(F, w, wOffset + o * n + i), c);
            }
            ((FloatVector) c.check(F)).intoArray(out, i);
        }
        for (; i < n; i++) {
            float c = 0f;
            for (int o = 0; o < rows; o++) {
                c = Math.fma(a[o], w[wOffset + o * n + i], c);
            }
            out[i] = c;
        }
    }

    @Override
    public void rank1ThenMatVec(
            float[] w, int wOffset, int rows, int n, float[] a, float[] u, float[] x, float[] out) {
        if (!wide || (n & 15) != 0) {
            rank1(w, wOffset, rows, n, a, u);
            fmaMatVec(w, wOffset, rows, x, n, out);
            return;
        }
        int o = 0;
        if ((long) rows * n <= FOUR_ROWS_LIMIT) {
            o = rank1ThenMatVecFourRows(w, wOffset, rows, n, a, u, x, out);
        }
        // Two rows at a time on larger matrices: four streams over W (two loaded, two stored)
        // were faster at 784 -> 128, where the pass is bound by L2 traffic, than four rows'
        // eight.
        for (; o + 1 < rows; o += 2) {
            int r0 = wOffset + o * n;
            int r1 = r0 + n;
            FloatVector b0 = FloatVector.broadcast(F16, a[o]);
            FloatVector b1 = FloatVector.broadcast(F16, a[o + 1]);
            FloatVector a0 = FloatVector.zero(F16);
            FloatVector a1 = a0;
            for (int i = 0; i < n; i += 16) {
                FloatVector uv = FloatVector.fromArray(F16, u, i);
                FloatVector xv = FloatVector.fromArray(F16, x, i);
                // fma(a, u, w): the exact product a u plus w, rounded once, as Math.fma.
                FloatVector w0 = b0.fma(uv, FloatVector.fromArray(F16, w, r0 + i));
                FloatVector w1 = b1.fma(uv, FloatVector.fromArray(F16, w, r1 + i));
                ((FloatVector) w0.check(F16)).intoArray(w, r0 + i);
                ((FloatVector) w1.check(F16)).intoArray(w, r1 + i);
                a0 = w0.fma(xv, a0);
                a1 = w1.fma(xv, a1);
            }
            out[o] = laneTree(a0) + 0f;
            out[o + 1] = laneTree(a1) + 0f;
        }
        for (; o < rows; o++) {
            rank1Row(w, wOffset + o * n, a[o], u, n);
            out[o] = fmaDot(w, wOffset + o * n, x, n);
        }
    }

    /**
     * Matrices up to this many floats (64 KiB, the MLP's 32 x 256 second layer among them) take
     * {@link #rank1ThenMatVec} four rows at a time: there each row's chain of dependent FMAs, not
     * the memory, bounds the pass.
     */
    private static final long FOUR_ROWS_LIMIT = 1 << 14;

    /** Lanes 8 to 15, and the lanes whose index has bit 2 (value 4) set. */
    private static final VectorMask<Float> HIGH_EIGHT = VectorMask.fromLong(F16, 0xFF00L);

    private static final VectorMask<Float> FOURS = VectorMask.fromLong(F16, 0xF0F0L);

    /**
     * {@link #rank1ThenMatVec} on whole groups of four rows ({@code n} a multiple of 16); returns
     * the rows done. The four rows' trees run together: fmaDot's levels {@code s_k + s_(k+h)} for h
     * = 8 with rows (0, 1) and (2, 3) in the halves of two vectors, h = 4 with those two in
     * quarters of one, then h = 2, 1 in place; the same additions as {@link #laneTree} row by row.
     */
    private static int rank1ThenMatVecFourRows(
            float[] w, int wOffset, int rows, int n, float[] a, float[] u, float[] x, float[] out) {
        int o = 0;
        for (; o + 3 < rows; o += 4) {
            int r0 = wOffset + o * n;
            int r1 = r0 + n;
            int r2 = r1 + n;
            int r3 = r2 + n;
            FloatVector b0 = FloatVector.broadcast(F16, a[o]);
            FloatVector b1 = FloatVector.broadcast(F16, a[o + 1]);
            FloatVector b2 = FloatVector.broadcast(F16, a[o + 2]);
            FloatVector b3 = FloatVector.broadcast(F16, a[o + 3]);
            FloatVector a0 = FloatVector.zero(F16);
            FloatVector a1 = a0;
            FloatVector a2 = a0;
            FloatVector a3 = a0;
            for (int i = 0; i < n; i += 16) {
                FloatVector uv = FloatVector.fromArray(F16, u, i);
                FloatVector xv = FloatVector.fromArray(F16, x, i);
                FloatVector w0 = b0.fma(uv, FloatVector.fromArray(F16, w, r0 + i));
                FloatVector w1 = b1.fma(uv, FloatVector.fromArray(F16, w, r1 + i));
                FloatVector w2 = b2.fma(uv, FloatVector.fromArray(F16, w, r2 + i));
                FloatVector w3 = b3.fma(uv, FloatVector.fromArray(F16, w, r3 + i));
                ((FloatVector) w0.check(F16)).intoArray(w, r0 + i);
                ((FloatVector) w1.check(F16)).intoArray(w, r1 + i);
                ((FloatVector) w2.check(F16)).intoArray(w, r2 + i);
                ((FloatVector) w3.check(F16)).intoArray(w, r3 + i);
                a0 = w0.fma(xv, a0);
                a1 = w1.fma(xv, a1);
                a2 = w2.fma(xv, a2);
                a3 = w3.fma(xv, a3);
            }
            FloatVector v01 =
                    a0.blend(a1, HIGH_EIGHT).add(a1.blend(a0, HIGH_EIGHT).rearrange(SWAP_EIGHT));
            FloatVector v23 =
                    a2.blend(a3, HIGH_EIGHT).add(a3.blend(a2, HIGH_EIGHT).rearrange(SWAP_EIGHT));
            FloatVector q =
                    v01.blend(v23, FOURS).add(v23.blend(v01, FOURS).rearrange(SWAP_FOUR_16));
            q = q.add(q.rearrange(SWAP_TWO_16));
            // No tail: fmaDot's s_0 + t with t = +0.
            q = q.add(q.rearrange(SWAP_ONE_16)).add(0f);
            out[o] = q.lane(0);
            out[o + 1] = q.lane(8);
            out[o + 2] = q.lane(4);
            out[o + 3] = q.lane(12);
        }
        return o;
    }

    @Override
    public void rank1(float[] w, int wOffset, int rows, int n, float[] a, float[] u) {
        for (int o = 0; o < rows; o++) {
            rank1Row(w, wOffset + o * n, a[o], u, n);
        }
    }

    /** {@code w[off + i] = fma(a, u[i], w[off + i])} for {@code i < n}. */
    private static void rank1Row(float[] w, int offset, float a, float[] u, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        FloatVector av = FloatVector.broadcast(F, a);
        for (; i < bound; i += F.length()) {
            ((FloatVector)
                            av.fma(
                                            FloatVector.fromArray(F, u, i),
                                            FloatVector.fromArray(F, w, offset + i))
                                    .check(F))
                    .intoArray(w, offset + i);
        }
        for (; i < n; i++) {
            w[offset + i] = Math.fma(a, u[i], w[offset + i]);
        }
    }

    @Override
    public int panelRows() {
        return wide ? 16 : 0;
    }

    // The panel kernels cast each vector they store with check(F16) (to the species' final
    // vector class, a cast C2 folds). Without it, in a JVM that has also run vectors of other
    // shapes (the 128-bit ones of exactDot), C2 took the class of a vector at the end of a chain
    // of operations from intoArray's shared type profile, found two classes, and did not
    // intrinsify the store: the vector was boxed and stored lane by lane, several times slower
    // (seen with -XX:+PrintInlining: "VectorSupport::store ... failed to inline (intrinsic)").

    @Override
    public void panelMatVec(float[] wp, int rows, float[] x, int n, float[] out) {
        requirePanels(rows);
        for (int b = 0; b < rows; b += 16) {
            panelMatVecAt(wp, b, x, n, out);
        }
    }

    /**
     * {@link #panelMatVec} for the one panel of rows {@code b} to {@code b + 15}: sixteen
     * accumulators, one per column class, and the tree across them in registers. Arrays in, arrays
     * out, so nothing is boxed if C2 does not inline it.
     */
    private static void panelMatVecAt(float[] wp, int b, float[] x, int n, float[] out) {
        int bound = n - (n & 15);
        int base = b * n;
        FloatVector c0 = FloatVector.zero(F16);
        FloatVector c1 = c0;
        FloatVector c2 = c0;
        FloatVector c3 = c0;
        FloatVector c4 = c0;
        FloatVector c5 = c0;
        FloatVector c6 = c0;
        FloatVector c7 = c0;
        FloatVector c8 = c0;
        FloatVector c9 = c0;
        FloatVector c10 = c0;
        FloatVector c11 = c0;
        FloatVector c12 = c0;
        FloatVector c13 = c0;
        FloatVector c14 = c0;
        FloatVector c15 = c0;
        for (int i = 0; i < bound; i += 16) {
            int p = base + i * 16;
            c0 = FloatVector.fromArray(F16, wp, p).fma(FloatVector.broadcast(F16, x[i]), c0);
            c1 =
                    FloatVector.fromArray(F16, wp, p + 16)
                            .fma(FloatVector.broadcast(F16, x[i + 1]), c1);
            c2 =
                    FloatVector.fromArray(F16, wp, p + 32)
                            .fma(FloatVector.broadcast(F16, x[i + 2]), c2);
            c3 =
                    FloatVector.fromArray(F16, wp, p + 48)
                            .fma(FloatVector.broadcast(F16, x[i + 3]), c3);
            c4 =
                    FloatVector.fromArray(F16, wp, p + 64)
                            .fma(FloatVector.broadcast(F16, x[i + 4]), c4);
            c5 =
                    FloatVector.fromArray(F16, wp, p + 80)
                            .fma(FloatVector.broadcast(F16, x[i + 5]), c5);
            c6 =
                    FloatVector.fromArray(F16, wp, p + 96)
                            .fma(FloatVector.broadcast(F16, x[i + 6]), c6);
            c7 =
                    FloatVector.fromArray(F16, wp, p + 112)
                            .fma(FloatVector.broadcast(F16, x[i + 7]), c7);
            c8 =
                    FloatVector.fromArray(F16, wp, p + 128)
                            .fma(FloatVector.broadcast(F16, x[i + 8]), c8);
            c9 =
                    FloatVector.fromArray(F16, wp, p + 144)
                            .fma(FloatVector.broadcast(F16, x[i + 9]), c9);
            c10 =
                    FloatVector.fromArray(F16, wp, p + 160)
                            .fma(FloatVector.broadcast(F16, x[i + 10]), c10);
            c11 =
                    FloatVector.fromArray(F16, wp, p + 176)
                            .fma(FloatVector.broadcast(F16, x[i + 11]), c11);
            c12 =
                    FloatVector.fromArray(F16, wp, p + 192)
                            .fma(FloatVector.broadcast(F16, x[i + 12]), c12);
            c13 =
                    FloatVector.fromArray(F16, wp, p + 208)
                            .fma(FloatVector.broadcast(F16, x[i + 13]), c13);
            c14 =
                    FloatVector.fromArray(F16, wp, p + 224)
                            .fma(FloatVector.broadcast(F16, x[i + 14]), c14);
            c15 =
                    FloatVector.fromArray(F16, wp, p + 240)
                            .fma(FloatVector.broadcast(F16, x[i + 15]), c15);
        }
        FloatVector t = FloatVector.zero(F16);
        for (int i = bound; i < n; i++) {
            t =
                    FloatVector.fromArray(F16, wp, base + i * 16)
                            .fma(FloatVector.broadcast(F16, x[i]), t);
        }
        // fmaDot's tree (h = 8, 4, 2, 1), then s_0 + t: lane o is row b + o throughout.
        c0 = c0.add(c8);
        c1 = c1.add(c9);
        c2 = c2.add(c10);
        c3 = c3.add(c11);
        c4 = c4.add(c12);
        c5 = c5.add(c13);
        c6 = c6.add(c14);
        c7 = c7.add(c15);
        c0 = c0.add(c4);
        c1 = c1.add(c5);
        c2 = c2.add(c6);
        c3 = c3.add(c7);
        c0 = c0.add(c2);
        c1 = c1.add(c3);
        ((FloatVector) (c0.add(c1).add(t)).check(F16)).intoArray(out, b);
    }

    @Override
    public void panelRank1ThenMatVec(
            float[] wp, int rows, int n, float[] a, float[] u, float[] x, float[] out) {
        // Written out as panelMatVec is, not shared through helpers: in methods this large C2
        // stopped inlining a helper that took or returned vectors (-XX:+PrintInlining:
        // NodeCountInliningCutoff), and a vector passed to a call that is not inlined is boxed.
        requirePanels(rows);
        int bound = n - (n & 15);
        for (int b = 0; b < rows; b += 16) {
            int base = b * n;
            FloatVector av = FloatVector.fromArray(F16, a, b);
            FloatVector c0 = FloatVector.zero(F16);
            FloatVector c1 = c0;
            FloatVector c2 = c0;
            FloatVector c3 = c0;
            FloatVector c4 = c0;
            FloatVector c5 = c0;
            FloatVector c6 = c0;
            FloatVector c7 = c0;
            FloatVector c8 = c0;
            FloatVector c9 = c0;
            FloatVector c10 = c0;
            FloatVector c11 = c0;
            FloatVector c12 = c0;
            FloatVector c13 = c0;
            FloatVector c14 = c0;
            FloatVector c15 = c0;
            for (int i = 0; i < bound; i += 16) {
                int p = base + i * 16;
                FloatVector w0 =
                        av.fma(FloatVector.broadcast(F16, u[i]), FloatVector.fromArray(F16, wp, p));
                ((FloatVector) w0.check(F16)).intoArray(wp, p);
                c0 = w0.fma(FloatVector.broadcast(F16, x[i]), c0);
                int p1 = p + 16;
                FloatVector w1 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 1]),
                                FloatVector.fromArray(F16, wp, p1));
                ((FloatVector) w1.check(F16)).intoArray(wp, p1);
                c1 = w1.fma(FloatVector.broadcast(F16, x[i + 1]), c1);
                int p2 = p + 32;
                FloatVector w2 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 2]),
                                FloatVector.fromArray(F16, wp, p2));
                ((FloatVector) w2.check(F16)).intoArray(wp, p2);
                c2 = w2.fma(FloatVector.broadcast(F16, x[i + 2]), c2);
                int p3 = p + 48;
                FloatVector w3 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 3]),
                                FloatVector.fromArray(F16, wp, p3));
                ((FloatVector) w3.check(F16)).intoArray(wp, p3);
                c3 = w3.fma(FloatVector.broadcast(F16, x[i + 3]), c3);
                int p4 = p + 64;
                FloatVector w4 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 4]),
                                FloatVector.fromArray(F16, wp, p4));
                ((FloatVector) w4.check(F16)).intoArray(wp, p4);
                c4 = w4.fma(FloatVector.broadcast(F16, x[i + 4]), c4);
                int p5 = p + 80;
                FloatVector w5 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 5]),
                                FloatVector.fromArray(F16, wp, p5));
                ((FloatVector) w5.check(F16)).intoArray(wp, p5);
                c5 = w5.fma(FloatVector.broadcast(F16, x[i + 5]), c5);
                int p6 = p + 96;
                FloatVector w6 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 6]),
                                FloatVector.fromArray(F16, wp, p6));
                ((FloatVector) w6.check(F16)).intoArray(wp, p6);
                c6 = w6.fma(FloatVector.broadcast(F16, x[i + 6]), c6);
                int p7 = p + 112;
                FloatVector w7 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 7]),
                                FloatVector.fromArray(F16, wp, p7));
                ((FloatVector) w7.check(F16)).intoArray(wp, p7);
                c7 = w7.fma(FloatVector.broadcast(F16, x[i + 7]), c7);
                int p8 = p + 128;
                FloatVector w8 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 8]),
                                FloatVector.fromArray(F16, wp, p8));
                ((FloatVector) w8.check(F16)).intoArray(wp, p8);
                c8 = w8.fma(FloatVector.broadcast(F16, x[i + 8]), c8);
                int p9 = p + 144;
                FloatVector w9 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 9]),
                                FloatVector.fromArray(F16, wp, p9));
                ((FloatVector) w9.check(F16)).intoArray(wp, p9);
                c9 = w9.fma(FloatVector.broadcast(F16, x[i + 9]), c9);
                int p10 = p + 160;
                FloatVector w10 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 10]),
                                FloatVector.fromArray(F16, wp, p10));
                ((FloatVector) w10.check(F16)).intoArray(wp, p10);
                c10 = w10.fma(FloatVector.broadcast(F16, x[i + 10]), c10);
                int p11 = p + 176;
                FloatVector w11 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 11]),
                                FloatVector.fromArray(F16, wp, p11));
                ((FloatVector) w11.check(F16)).intoArray(wp, p11);
                c11 = w11.fma(FloatVector.broadcast(F16, x[i + 11]), c11);
                int p12 = p + 192;
                FloatVector w12 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 12]),
                                FloatVector.fromArray(F16, wp, p12));
                ((FloatVector) w12.check(F16)).intoArray(wp, p12);
                c12 = w12.fma(FloatVector.broadcast(F16, x[i + 12]), c12);
                int p13 = p + 208;
                FloatVector w13 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 13]),
                                FloatVector.fromArray(F16, wp, p13));
                ((FloatVector) w13.check(F16)).intoArray(wp, p13);
                c13 = w13.fma(FloatVector.broadcast(F16, x[i + 13]), c13);
                int p14 = p + 224;
                FloatVector w14 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 14]),
                                FloatVector.fromArray(F16, wp, p14));
                ((FloatVector) w14.check(F16)).intoArray(wp, p14);
                c14 = w14.fma(FloatVector.broadcast(F16, x[i + 14]), c14);
                int p15 = p + 240;
                FloatVector w15 =
                        av.fma(
                                FloatVector.broadcast(F16, u[i + 15]),
                                FloatVector.fromArray(F16, wp, p15));
                ((FloatVector) w15.check(F16)).intoArray(wp, p15);
                c15 = w15.fma(FloatVector.broadcast(F16, x[i + 15]), c15);
            }
            FloatVector t = FloatVector.zero(F16);
            for (int i = bound; i < n; i++) {
                int p = base + i * 16;
                FloatVector w =
                        av.fma(FloatVector.broadcast(F16, u[i]), FloatVector.fromArray(F16, wp, p));
                ((FloatVector) w.check(F16)).intoArray(wp, p);
                t = w.fma(FloatVector.broadcast(F16, x[i]), t);
            }
            // fmaDot's tree (h = 8, 4, 2, 1), then s_0 + t: lane o is row b + o throughout.
            c0 = c0.add(c8);
            c1 = c1.add(c9);
            c2 = c2.add(c10);
            c3 = c3.add(c11);
            c4 = c4.add(c12);
            c5 = c5.add(c13);
            c6 = c6.add(c14);
            c7 = c7.add(c15);
            c0 = c0.add(c4);
            c1 = c1.add(c5);
            c2 = c2.add(c6);
            c3 = c3.add(c7);
            c0 = c0.add(c2);
            c1 = c1.add(c3);
            ((FloatVector) (c0.add(c1).add(t)).check(F16)).intoArray(out, b);
        }
    }

    @Override
    public void panelChainPair(
            float[] wp, int rows, int n, float[] x1, float[] x2, float[] out1, float[] out2) {
        requireChainPanels(rows);
        int b = 0;
        if (wide) {
            // Two panels at a time: four chains in flight, each broadcast serving both panels.
            for (; b + 16 < rows; b += 32) {
                chainTwoSlabs16(wp, b * n, (b + 16) * n, b, b + 16, n, x1, x2, out1, out2);
            }
        }
        // Eight lanes (and an odd last panel on sixteen): a panel's two halves are its two slabs.
        for (; b < rows; b += 16) {
            chainTwoSlabs8(wp, b * n, b * n + 8, b, b + 8, n, x1, x2, out1, out2);
        }
    }

    @Override
    public void panelRank2ThenChainPair(
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
            float[] out2) {
        requireChainPanels(rows);
        int b = 0;
        if (wide) {
            for (; b + 16 < rows; b += 32) {
                rank2ChainTwoSlabs16(
                        wp, b * n, (b + 16) * n, b, b + 16, n, a, u, c, y, x1, x2, out1, out2);
            }
        }
        for (; b < rows; b += 16) {
            rank2ChainTwoSlabs8(wp, b * n, b * n + 8, b, b + 8, n, a, u, c, y, x1, x2, out1, out2);
        }
    }

    // The chain kernels below take arrays and ints only, so nothing is boxed if C2 does not
    // inline them. A slab is one vector's rows of a panel: the whole panel on sixteen lanes, a
    // half on eight; its column i lies at base + 16 i whatever the width. Two slabs at a time
    // keep four chains of dependent FMAs in flight (one slab's two leave the FMA units waiting on
    // the chains' latency); the pass is then bound by moving W1 through L2, so four slabs gain
    // nothing.

    /**
     * Both inputs' chains for the slabs at {@code base0} and {@code base1}, rows {@code r0}, {@code
     * r1}.
     */
    private static void chainTwoSlabs16(
            float[] wp,
            int base0,
            int base1,
            int r0,
            int r1,
            int n,
            float[] x1,
            float[] x2,
            float[] out1,
            float[] out2) {
        FloatVector p0 = FloatVector.zero(F16);
        FloatVector p1 = p0;
        FloatVector q0 = p0;
        FloatVector q1 = p0;
        for (int i = 0; i < n; i++) {
            int o = i * 16;
            FloatVector xi = FloatVector.broadcast(F16, x1[i]);
            FloatVector zi = FloatVector.broadcast(F16, x2[i]);
            FloatVector w0 = FloatVector.fromArray(F16, wp, base0 + o);
            FloatVector w1 = FloatVector.fromArray(F16, wp, base1 + o);
            p0 = w0.fma(xi, p0);
            q0 = w0.fma(zi, q0);
            p1 = w1.fma(xi, p1);
            q1 = w1.fma(zi, q1);
        }
        ((FloatVector) p0.check(F16)).intoArray(out1, r0);
        ((FloatVector) q0.check(F16)).intoArray(out2, r0);
        ((FloatVector) p1.check(F16)).intoArray(out1, r1);
        ((FloatVector) q1.check(F16)).intoArray(out2, r1);
    }

    /** {@link #chainTwoSlabs16} on eight lanes. */
    private static void chainTwoSlabs8(
            float[] wp,
            int base0,
            int base1,
            int r0,
            int r1,
            int n,
            float[] x1,
            float[] x2,
            float[] out1,
            float[] out2) {
        FloatVector p0 = FloatVector.zero(F8);
        FloatVector p1 = p0;
        FloatVector q0 = p0;
        FloatVector q1 = p0;
        for (int i = 0; i < n; i++) {
            int o = i * 16;
            FloatVector xi = FloatVector.broadcast(F8, x1[i]);
            FloatVector zi = FloatVector.broadcast(F8, x2[i]);
            FloatVector w0 = FloatVector.fromArray(F8, wp, base0 + o);
            FloatVector w1 = FloatVector.fromArray(F8, wp, base1 + o);
            p0 = w0.fma(xi, p0);
            q0 = w0.fma(zi, q0);
            p1 = w1.fma(xi, p1);
            q1 = w1.fma(zi, q1);
        }
        ((FloatVector) p0.check(F8)).intoArray(out1, r0);
        ((FloatVector) q0.check(F8)).intoArray(out2, r0);
        ((FloatVector) p1.check(F8)).intoArray(out1, r1);
        ((FloatVector) q1.check(F8)).intoArray(out2, r1);
    }

    /**
     * The rank-2 update and both inputs' chains for the two distinct slabs at {@code base0} and
     * {@code base1}: each column of each slab loaded once, updated, stored, and multiplied by both
     * inputs.
     */
    private static void rank2ChainTwoSlabs16(
            float[] wp,
            int base0,
            int base1,
            int r0,
            int r1,
            int n,
            float[] a,
            float[] u,
            float[] c,
            float[] y,
            float[] x1,
            float[] x2,
            float[] out1,
            float[] out2) {
        FloatVector a0 = FloatVector.fromArray(F16, a, r0);
        FloatVector a1 = FloatVector.fromArray(F16, a, r1);
        FloatVector c0 = FloatVector.fromArray(F16, c, r0);
        FloatVector c1 = FloatVector.fromArray(F16, c, r1);
        FloatVector p0 = FloatVector.zero(F16);
        FloatVector p1 = p0;
        FloatVector q0 = p0;
        FloatVector q1 = p0;
        for (int i = 0; i < n; i++) {
            int o = i * 16;
            FloatVector ui = FloatVector.broadcast(F16, u[i]);
            FloatVector yi = FloatVector.broadcast(F16, y[i]);
            FloatVector xi = FloatVector.broadcast(F16, x1[i]);
            FloatVector zi = FloatVector.broadcast(F16, x2[i]);
            // fma(c, y, fma(a, u, w)): each exact product added and rounded once, as Math.fma.
            FloatVector w0 = c0.fma(yi, a0.fma(ui, FloatVector.fromArray(F16, wp, base0 + o)));
            ((FloatVector) w0.check(F16)).intoArray(wp, base0 + o);
            p0 = w0.fma(xi, p0);
            q0 = w0.fma(zi, q0);
            FloatVector w1 = c1.fma(yi, a1.fma(ui, FloatVector.fromArray(F16, wp, base1 + o)));
            ((FloatVector) w1.check(F16)).intoArray(wp, base1 + o);
            p1 = w1.fma(xi, p1);
            q1 = w1.fma(zi, q1);
        }
        ((FloatVector) p0.check(F16)).intoArray(out1, r0);
        ((FloatVector) q0.check(F16)).intoArray(out2, r0);
        ((FloatVector) p1.check(F16)).intoArray(out1, r1);
        ((FloatVector) q1.check(F16)).intoArray(out2, r1);
    }

    /** {@link #rank2ChainTwoSlabs16} on eight lanes. */
    private static void rank2ChainTwoSlabs8(
            float[] wp,
            int base0,
            int base1,
            int r0,
            int r1,
            int n,
            float[] a,
            float[] u,
            float[] c,
            float[] y,
            float[] x1,
            float[] x2,
            float[] out1,
            float[] out2) {
        FloatVector a0 = FloatVector.fromArray(F8, a, r0);
        FloatVector a1 = FloatVector.fromArray(F8, a, r1);
        FloatVector c0 = FloatVector.fromArray(F8, c, r0);
        FloatVector c1 = FloatVector.fromArray(F8, c, r1);
        FloatVector p0 = FloatVector.zero(F8);
        FloatVector p1 = p0;
        FloatVector q0 = p0;
        FloatVector q1 = p0;
        for (int i = 0; i < n; i++) {
            int o = i * 16;
            FloatVector ui = FloatVector.broadcast(F8, u[i]);
            FloatVector yi = FloatVector.broadcast(F8, y[i]);
            FloatVector xi = FloatVector.broadcast(F8, x1[i]);
            FloatVector zi = FloatVector.broadcast(F8, x2[i]);
            FloatVector w0 = c0.fma(yi, a0.fma(ui, FloatVector.fromArray(F8, wp, base0 + o)));
            ((FloatVector) w0.check(F8)).intoArray(wp, base0 + o);
            p0 = w0.fma(xi, p0);
            q0 = w0.fma(zi, q0);
            FloatVector w1 = c1.fma(yi, a1.fma(ui, FloatVector.fromArray(F8, wp, base1 + o)));
            ((FloatVector) w1.check(F8)).intoArray(wp, base1 + o);
            p1 = w1.fma(xi, p1);
            q1 = w1.fma(zi, q1);
        }
        ((FloatVector) p0.check(F8)).intoArray(out1, r0);
        ((FloatVector) q0.check(F8)).intoArray(out2, r0);
        ((FloatVector) p1.check(F8)).intoArray(out1, r1);
        ((FloatVector) q1.check(F8)).intoArray(out2, r1);
    }

    private static void requireChainPanels(int rows) {
        if (rows % CHAIN_PANEL_ROWS != 0) {
            throw new IllegalArgumentException(
                    "chain panels hold 16 rows each; rows " + rows + " is not a multiple of 16");
        }
    }

    @Override
    public void panelRank1(float[] wp, int rows, int n, float[] a, float[] u) {
        requirePanels(rows);
        for (int b = 0; b < rows; b += 16) {
            int base = b * n;
            FloatVector av = FloatVector.fromArray(F16, a, b);
            for (int i = 0; i < n; i++) {
                int p = base + i * 16;
                ((FloatVector)
                                (av.fma(
                                                FloatVector.broadcast(F16, u[i]),
                                                FloatVector.fromArray(F16, wp, p)))
                                        .check(F16))
                        .intoArray(wp, p);
            }
        }
    }

    private void requirePanels(int rows) {
        if (!wide || (rows & 15) != 0) {
            throw new UnsupportedOperationException(
                    "panel kernels need sixteen-lane registers and a row count that is a"
                            + " multiple of 16; rows "
                            + rows
                            + " on "
                            + this);
        }
    }

    /**
     * The lanewise maximum of the magnitudes' bits (sign bit cleared) over {@code x[0, bound)},
     * {@code bound} a multiple of the lane count. On magnitudes the order of the bits as ints is
     * the order of the floats, +0 to infinity, with every NaN above infinity. Small, so C2 inlines
     * it (as {@link #laneTree}) and the vector it returns is not boxed.
     */
    private static IntVector magnitudeBits(float[] x, int bound) {
        IntVector m = IntVector.zero(I);
        for (int i = 0; i < bound; i += F.length()) {
            m = m.max(FloatVector.fromArray(F, x, i).reinterpretAsInts().and(0x7fffffff));
        }
        return m;
    }

    @Override
    public float maxAbs(float[] x, int n) {
        int i = F.loopBound(n);
        // An integer maximum over the magnitudes' bits, whose lane reduction is cheap, where
        // reduceLanes(MAX) on floats took twice as long here (JDK 17).
        float max = Float.intBitsToFloat(magnitudeBits(x, i).reduceLanes(VectorOperators.MAX));
        for (; i < n; i++) {
            max = Math.max(max, Math.abs(x[i]));
        }
        return max;
    }

    @Override
    public boolean allFinite(float[] x, int n) {
        int i = F.loopBound(n);
        // Above Float.MAX_VALUE's bits exactly for infinities and NaNs: one mask test, no lane
        // reduction.
        if (magnitudeBits(x, i).compare(VectorOperators.GT, FLOAT_MAX_BITS).anyTrue()) {
            return false;
        }
        for (; i < n; i++) {
            if (!Float.isFinite(x[i])) {
                return false;
            }
        }
        return true;
    }

    private static final int FLOAT_MAX_BITS = Float.floatToRawIntBits(Float.MAX_VALUE);

    @Override
    public void scaleInDouble(double k, float[] x, float[] out, int n) {
        int bound = n - (n & 7);
        int i = 0;
        if (wide) {
            // Eight at a time in 512-bit doubles: half the conversions of the 256-bit loop, on
            // the path from one pair's e to the next pair's update. Elementwise, the same bits.
            for (; i < bound; i += 8) {
                DoubleVector v =
                        (DoubleVector)
                                FloatVector.fromArray(F8, x, i)
                                        .convertShape(VectorOperators.F2D, D8, 0);
                ((FloatVector) v.mul(k).convertShape(VectorOperators.D2F, F8, 0).check(F8))
                        .intoArray(out, i);
            }
        }
        bound = n - (n & 3);
        for (; i < bound; i += 4) {
            DoubleVector v =
                    (DoubleVector)
                            FloatVector.fromArray(F4, x, i)
                                    .convertShape(VectorOperators.F2D, D4, 0);
            ((FloatVector) v.mul(k).convertShape(VectorOperators.D2F, F4, 0).check(F4))
                    .intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = (float) (k * x[i]);
        }
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
    public void exactDots(float[] a, float[] b, int n, double[] out) {
        int bound = n - (n & 3);
        int i = 0;
        DoubleVector aa = DoubleVector.zero(D4);
        DoubleVector bb = aa;
        DoubleVector ab = aa;
        for (; i < bound; i += 4) {
            DoubleVector av =
                    (DoubleVector)
                            FloatVector.fromArray(F4, a, i)
                                    .convertShape(VectorOperators.F2D, D4, 0);
            DoubleVector bv =
                    (DoubleVector)
                            FloatVector.fromArray(F4, b, i)
                                    .convertShape(VectorOperators.F2D, D4, 0);
            aa = av.fma(av, aa);
            bb = bv.fma(bv, bb);
            ab = av.fma(bv, ab);
        }
        double a0 = aa.lane(0);
        double b0 = bb.lane(0);
        double c0 = ab.lane(0);
        for (; i < n; i++) {
            a0 += (double) a[i] * a[i];
            b0 += (double) b[i] * b[i];
            c0 += (double) a[i] * b[i];
        }
        out[0] = (a0 + aa.lane(1)) + (aa.lane(2) + aa.lane(3));
        out[1] = (b0 + bb.lane(1)) + (bb.lane(2) + bb.lane(3));
        out[2] = (c0 + ab.lane(1)) + (ab.lane(2) + ab.lane(3));
    }

    @Override
    public void addTwo(float[] a, float[] b, float[] y, int yOffset, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        for (; i < bound; i += F.length()) {
            FloatVector sum =
                    FloatVector.fromArray(F, y, yOffset + i)
                            .add(FloatVector.fromArray(F, a, i))
                            .add(FloatVector.fromArray(F, b, i));
            ((FloatVector) sum.check(F)).intoArray(y, yOffset + i);
        }
        for (; i < n; i++) {
            y[yOffset + i] = (y[yOffset + i] + a[i]) + b[i];
        }
    }

    @Override
    public void biasRelu(float[] x, float[] bias, int biasOffset, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        FloatVector zero = FloatVector.zero(F);
        for (; i < bound; i += F.length()) {
            FloatVector p =
                    FloatVector.fromArray(F, x, i)
                            .add(FloatVector.fromArray(F, bias, biasOffset + i));
            ((FloatVector) zero.blend(p, p.compare(VectorOperators.GT, 0f)).check(F))
                    .intoArray(x, i);
        }
        for (; i < n; i++) {
            float p = x[i] + bias[biasOffset + i];
            x[i] = p > 0f ? p : 0f;
        }
    }

    @Override
    public void reluMask(float[] v, float[] h, float[] out, int n) {
        int bound = F.loopBound(n);
        int i = 0;
        FloatVector zero = FloatVector.zero(F);
        for (; i < bound; i += F.length()) {
            VectorMask<Float> active =
                    FloatVector.fromArray(F, h, i).compare(VectorOperators.GT, 0f);
            ((FloatVector) zero.blend(FloatVector.fromArray(F, v, i), active).check(F))
                    .intoArray(out, i);
        }
        for (; i < n; i++) {
            out[i] = h[i] > 0f ? v[i] : 0f;
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
        return "vector (jdk.incubator.vector, "
                + F.vectorBitSize()
                + "-bit float lanes"
                + (wide ? "" : ", sixteen-lane sums in 256-bit halves")
                + ")";
    }
}
