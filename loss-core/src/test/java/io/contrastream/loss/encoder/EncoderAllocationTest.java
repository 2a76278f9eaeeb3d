package io.contrastream.loss.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Forward and backward allocate nothing: measured with HotSpot's per-thread allocation counter over
 * many calls, so that one allocation per call (at least 16 bytes) would show as at least 160 KB.
 * Skipped on a JVM without the counter.
 */
class EncoderAllocationTest {

    private static final int CALLS = 10_000;

    @Test
    void forwardAndBackwardAllocateNothing() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);

        List<Encoder> encoders =
                List.of(
                        new IdentityEncoder(8),
                        new LinearEncoder(8, 4),
                        new MlpEncoder(8, 6, 4),
                        new NormalizedEncoder(new MlpEncoder(8, 6, 4)),
                        new NormalizedEncoder(new IdentityEncoder(8)));
        for (Encoder encoder : encoders) {
            float[] params = new float[encoder.parameterCount()];
            encoder.initialize(params, Initialization.HE_NORMAL, 1);
            float[] x = LinearEncoderTest.randomVector(new java.util.SplittableRandom(2), 8);
            float[] g = new float[encoder.outputDim()];
            float[] grad = new float[encoder.parameterCount()];
            Activations act = encoder.newActivations();
            long threadId = Thread.currentThread().getId();
            // Warm up (class loading, profiling, compilation). The Vector API kernels allocate
            // until C2 has compiled them, which on a busy machine can take more than one round:
            // repeat until a round allocates nothing, at most 200 rounds; a steady-state
            // allocation still fails the measured round below.
            for (int round = 0; round < 200; round++) {
                long start = threads.getThreadAllocatedBytes(threadId);
                run(encoder, params, x, act, g, grad);
                if (threads.getThreadAllocatedBytes(threadId) - start < 1024) {
                    break;
                }
            }

            long before = threads.getThreadAllocatedBytes(threadId);
            run(encoder, params, x, act, g, grad);
            long allocated = threads.getThreadAllocatedBytes(threadId) - before;
            // A little slack for the measuring call itself.
            assertThat(allocated).as("bytes allocated by %s", encoder).isLessThan(1024);
        }
    }

    private static void run(
            Encoder encoder, float[] params, float[] x, Activations act, float[] g, float[] grad) {
        for (int call = 0; call < CALLS; call++) {
            encoder.forward(params, x, act);
            for (int k = 0; k < g.length; k++) {
                g[k] = 0.01f;
            }
            encoder.backward(params, x, act, g, grad);
        }
    }
}
