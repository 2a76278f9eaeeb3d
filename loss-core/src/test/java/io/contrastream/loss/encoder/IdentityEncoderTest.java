package io.contrastream.loss.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link IdentityEncoder}: a copy of the input, no parameters, no gradient. */
class IdentityEncoderTest {

    @Test
    void outputIsACopyOfTheInput() {
        IdentityEncoder encoder = new IdentityEncoder(3);
        float[] x = {1.5f, -0f, 7f};
        Activations act = encoder.newActivations();
        encoder.forward(new float[0], x, act);
        assertThat(act.output()).containsExactly(1.5f, -0f, 7f);
        // A copy: changing the input later does not change the embedding.
        x[0] = 99f;
        assertThat(act.output()[0]).isEqualTo(1.5f);
    }

    @Test
    void hasNoParametersAndEqualDimensions() {
        IdentityEncoder encoder = new IdentityEncoder(5);
        assertThat(encoder.parameterCount()).isZero();
        assertThat(encoder.inputDim()).isEqualTo(5);
        assertThat(encoder.outputDim()).isEqualTo(5);
    }

    @Test
    void backwardAddsNothingAndLeavesTheGradientOutputAlone() {
        IdentityEncoder encoder = new IdentityEncoder(2);
        float[] x = {1f, 2f};
        Activations act = encoder.newActivations();
        encoder.forward(new float[0], x, act);
        float[] g = {0.25f, -4f};
        float[] gradParams = new float[0];
        encoder.backward(new float[0], x, act, g, gradParams);
        assertThat(g).containsExactly(0.25f, -4f);
    }

    @Test
    void initializeAcceptsOnlyAnEmptyArray() {
        IdentityEncoder encoder = new IdentityEncoder(2);
        encoder.initialize(new float[0], Initialization.HE_NORMAL, 3);
        assertThatThrownBy(() -> encoder.initialize(new float[1], Initialization.HE_NORMAL, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 values")
                .hasMessageContaining("expects 0");
    }

    @Test
    void rejectsANonPositiveDimension() {
        assertThatThrownBy(() -> new IdentityEncoder(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dim must be > 0, got 0");
    }
}
