package io.contrastream.bench;

import io.contrastream.loss.simd.VectorKernels;
import java.util.concurrent.TimeUnit;
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
 * One {@code learn()} call: forward both items, loss, backward, one optimiser step, calibrator,
 * drift detector and metrics window, on one thread, one pair per step. Pairs cycle through 1,024
 * pre-drawn random vectors in [0, 1), half labelled SAME.
 *
 * <p>{@code kernels}: {@code vector} runs loss-core's Vector API kernels, {@code scalar} its plain
 * loops (both in a JVM with {@code --add-modules jdk.incubator.vector}; {@code scalar} switches the
 * vector kernels off with {@code -Dcontrastream.vector=false}). The two give bit-identical models.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar LearnBenchmark}; {@link KernelTable}
 * runs it and prints the table.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class LearnBenchmark {

    /** encoder:input:hidden:embedding. */
    @Param({"linear:64:0:32", "linear:784:0:128", "mlp:64:256:32"})
    public String model;

    @Param({"SGD", "ADAM"})
    public String optimizer;

    @Param({"vector", "scalar"})
    public String kernels;

    private LearnWorkload workload;

    @Setup(Level.Trial)
    public void setUp() {
        // Before the first use of loss-core's kernels in this fork: the choice is made once.
        System.setProperty(VectorKernels.ENABLE_PROPERTY, String.valueOf(kernels.equals("vector")));
        if (!VectorKernels.describe().startsWith(kernels)) {
            throw new IllegalStateException(
                    "asked for " + kernels + " kernels, got " + VectorKernels.describe());
        }
        workload = new LearnWorkload(model, optimizer);
    }

    @Benchmark
    public double learn() {
        return workload.learnNext();
    }
}
