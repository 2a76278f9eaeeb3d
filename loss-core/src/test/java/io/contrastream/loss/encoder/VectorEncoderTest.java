package io.contrastream.loss.encoder;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.simd.VectorKernels;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The linear and MLP encoders with the vector kernels against the same encoders on their plain
 * loops, at the benchmark sizes and at sizes with every kind of tail: outputs and accumulated
 * gradients must be bit-identical.
 */
class VectorEncoderTest {

    private static float[] vector(SplittableRandom random, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    private static void compare(Encoder vector, Encoder plain) {
        SplittableRandom random = new SplittableRandom(11);
        float[] params = new float[plain.parameterCount()];
        plain.initialize(params, Initialization.HE_NORMAL, 5);
        Activations av = vector.newActivations();
        Activations ap = plain.newActivations();
        float[] gv = new float[params.length];
        float[] gp = new float[params.length];
        for (int k = 0; k < 20; k++) {
            float[] x = vector(random, plain.inputDim());
            float[] upstream = vector(random, plain.outputDim());
            vector.forward(params, x, av);
            plain.forward(params, x, ap);
            assertThat(av.output()).as(plain + " output " + k).isEqualTo(ap.output());
            vector.backward(params, x, av, upstream.clone(), gv);
            plain.backward(params, x, ap, upstream.clone(), gp);
            assertThat(gv).as(plain + " gradient " + k).isEqualTo(gp);
        }
    }

    @Test
    void vectorEncodersEqualPlainOnes() {
        VectorKernels v = VectorKernels.best();
        assertThat(v).as("tests run with --add-modules jdk.incubator.vector").isNotNull();
        compare(new LinearEncoder(64, 32, v), new LinearEncoder(64, 32, null));
        compare(new LinearEncoder(784, 128, v), new LinearEncoder(784, 128, null));
        compare(new LinearEncoder(37, 5, v), new LinearEncoder(37, 5, null));
        compare(new MlpEncoder(64, 256, 32, v), new MlpEncoder(64, 256, 32, null));
        compare(new MlpEncoder(29, 19, 3, v), new MlpEncoder(29, 19, 3, null));
    }
}
