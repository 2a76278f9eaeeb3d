package io.contrastream.bench;

import static jdk.incubator.vector.VectorOperators.F2D;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's ceilings for the roofline of the learning kernels, on one thread: float FMA
 * throughput, and the bandwidth of a read-only pass (as in {@code e = W delta}) and of a read-write
 * pass ({@code W += a delta^T}, as in the SGD update) over a working set that fits L1, L2, L3, or
 * no cache (memory). Each op reports invocations per second; {@link KernelTable} turns them into
 * GFLOP/s and GB/s.
 *
 * <ul>
 *   <li>{@code fma}: {@value #FMA_CHAINS} independent chains of 16-lane float FMAs, {@value
 *       #FMA_STEPS} steps each: {@code 2 * 16 * chains * steps} flops per op.
 *   <li>{@code fmaDot}: the fused linear kernel's matrix-vector arithmetic (sixteen-lane float
 *       fused multiply-adds), over {@value #SUM_ELEMENTS} L1-resident elements, 4 rows at once:
 *       {@code 2 * elements} flops per op.
 *   <li>{@code exactDot}: the plain form's encoder dot products (floats widened to double, double
 *       FMA, 4 lanes), same shape and count.
 *   <li>{@code read}: sums {@code size} bytes of floats (16-lane adds, 4 accumulators).
 *   <li>{@code update}: {@code y += a x} over {@code size / 2} bytes of each array: reads {@code
 *       size} and writes {@code size / 2} bytes.
 * </ul>
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PeakBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
public class PeakBenchmark {

    static final int FMA_CHAINS = 12;
    static final int FMA_STEPS = 1024;
    static final int SUM_ELEMENTS = 4 * 1024;

    /** Flops of one {@link #fma} call: sixteen lanes, two flops each, per chain and step. */
    static final double FMA_FLOPS = 2.0 * 16 * FMA_CHAINS * FMA_STEPS;

    /** Flops of one {@link #fmaDot} or {@link #exactDot} call. */
    static final double DOT_FLOPS = 2.0 * SUM_ELEMENTS;

    // Compile-time constants only: KernelTable reads them in a JVM without the vector module,
    // where initialising this class (its species) would fail.

    private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Float> F4 = FloatVector.SPECIES_128;
    private static final jdk.incubator.vector.VectorSpecies<Double> D4 =
            jdk.incubator.vector.DoubleVector.SPECIES_256;
    private final float[] rows = new float[SUM_ELEMENTS];
    private final float[] column = new float[SUM_ELEMENTS / 4];
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_512;

    /**
     * Working-set bytes: L1 (16 KiB), L2 (512 KiB, near 784x128 floats), L3 (8 MiB), memory (256
     * MiB). The compute ops ignore it.
     */
    @Param({"16384", "524288", "8388608", "268435456"})
    public int size;

    private float[] x;
    private float[] y;
    private float[] a;

    @Setup(Level.Trial)
    public void setUp() {
        x = new float[size / 4];
        y = new float[size / 8];
        a = new float[2 * F.length()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 13) * 0.25f;
        }
        for (int i = 0; i < a.length; i++) {
            a[i] = 1f - 1e-7f * i;
        }
        for (int i = 0; i < rows.length; i++) {
            rows[i] = (i % 17) * 0.125f;
        }
        for (int i = 0; i < column.length; i++) {
            column[i] = (i % 5) * 0.5f;
        }
    }

    @Benchmark
    public double fmaDot() {
        int n = column.length;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < n; i += 16) {
            FloatVector x = FloatVector.fromArray(F, column, i);
            a0 = FloatVector.fromArray(F, rows, i).fma(x, a0);
            a1 = FloatVector.fromArray(F, rows, n + i).fma(x, a1);
            a2 = FloatVector.fromArray(F, rows, 2 * n + i).fma(x, a2);
            a3 = FloatVector.fromArray(F, rows, 3 * n + i).fma(x, a3);
        }
        return a0.add(a1).add(a2).add(a3).lane(0);
    }

    @Benchmark
    public double exactDot() {
        int n = column.length;
        jdk.incubator.vector.DoubleVector a0 = jdk.incubator.vector.DoubleVector.zero(D4);
        jdk.incubator.vector.DoubleVector a1 = a0;
        jdk.incubator.vector.DoubleVector a2 = a0;
        jdk.incubator.vector.DoubleVector a3 = a0;
        for (int i = 0; i < n; i += 4) {
            jdk.incubator.vector.DoubleVector x =
                    (jdk.incubator.vector.DoubleVector)
                            FloatVector.fromArray(F4, column, i).convertShape(F2D, D4, 0);
            a0 = wide(rows, i).fma(x, a0);
            a1 = wide(rows, n + i).fma(x, a1);
            a2 = wide(rows, 2 * n + i).fma(x, a2);
            a3 = wide(rows, 3 * n + i).fma(x, a3);
        }
        return a0.add(a1).add(a2).add(a3).lane(0);
    }

    private static jdk.incubator.vector.DoubleVector wide(float[] w, int offset) {
        return (jdk.incubator.vector.DoubleVector)
                FloatVector.fromArray(F4, w, offset).convertShape(F2D, D4, 0);
    }

    @Benchmark
    public float fma() {
        FloatVector m = FloatVector.fromArray(F, a, 0);
        FloatVector c = FloatVector.fromArray(F, a, F.length());
        FloatVector s0 = c;
        FloatVector s1 = c;
        FloatVector s2 = c;
        FloatVector s3 = c;
        FloatVector s4 = c;
        FloatVector s5 = c;
        FloatVector s6 = c;
        FloatVector s7 = c;
        FloatVector s8 = c;
        FloatVector s9 = c;
        FloatVector s10 = c;
        FloatVector s11 = c;
        for (int i = 0; i < FMA_STEPS; i++) {
            s0 = s0.fma(m, c);
            s1 = s1.fma(m, c);
            s2 = s2.fma(m, c);
            s3 = s3.fma(m, c);
            s4 = s4.fma(m, c);
            s5 = s5.fma(m, c);
            s6 = s6.fma(m, c);
            s7 = s7.fma(m, c);
            s8 = s8.fma(m, c);
            s9 = s9.fma(m, c);
            s10 = s10.fma(m, c);
            s11 = s11.fma(m, c);
        }
        return s0.add(s1)
                .add(s2)
                .add(s3)
                .add(s4)
                .add(s5)
                .add(s6)
                .add(s7)
                .add(s8)
                .add(s9)
                .add(s10)
                .add(s11)
                .reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    @Benchmark
    public float read() {
        float[] v = x;
        int step = F.length();
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        for (int i = 0; i + 4 * step <= v.length; i += 4 * step) {
            s0 = s0.add(FloatVector.fromArray(F, v, i));
            s1 = s1.add(FloatVector.fromArray(F, v, i + step));
            s2 = s2.add(FloatVector.fromArray(F, v, i + 2 * step));
            s3 = s3.add(FloatVector.fromArray(F, v, i + 3 * step));
        }
        return s0.add(s1).add(s2).add(s3).reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
    }

    @Benchmark
    public float update() {
        float[] in = x;
        float[] out = y;
        int n = out.length;
        float factor = 1e-30f;
        for (int i = 0; i < n; i += F.length()) {
            FloatVector.fromArray(F, in, i)
                    .mul(factor)
                    .add(FloatVector.fromArray(F, out, i))
                    .intoArray(out, i);
        }
        return out[0];
    }
}
