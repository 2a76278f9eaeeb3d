package io.contrastream.loss.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link EncoderConfig}: validation messages and what {@link EncoderConfig#create} builds. */
class EncoderConfigTest {

    private static final Initialization INIT = Initialization.PYTORCH_UNIFORM;

    @Test
    void rejectsMissingKindOrInit() {
        assertThatThrownBy(() -> new EncoderConfig(null, 8, 0, false, INIT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("kind must not be null");
        assertThatThrownBy(() -> new EncoderConfig(EncoderKind.LINEAR, 8, 0, false, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("init must not be null");
    }

    @Test
    void rejectsANonPositiveEmbeddingDimForLinearAndMlp() {
        assertThatThrownBy(() -> new EncoderConfig(EncoderKind.LINEAR, 0, 0, false, INIT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embeddingDim must be > 0, got 0 (kind LINEAR)");
        assertThatThrownBy(() -> new EncoderConfig(EncoderKind.MLP, -2, 16, false, INIT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("embeddingDim must be > 0, got -2 (kind MLP)");
    }

    @Test
    void rejectsANonPositiveHiddenDimOnlyForMlp() {
        assertThatThrownBy(() -> new EncoderConfig(EncoderKind.MLP, 8, 0, false, INIT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("hiddenDim must be > 0 for an MLP encoder, got 0");
        // Ignored, so not checked, for the other kinds.
        new EncoderConfig(EncoderKind.LINEAR, 8, 0, false, INIT);
        new EncoderConfig(EncoderKind.IDENTITY, 8, -1, false, INIT);
    }

    @Test
    void identityIgnoresEmbeddingDimAndKeepsTheInputLength() {
        Encoder encoder = new EncoderConfig(EncoderKind.IDENTITY, 0, 0, false, INIT).create(64);
        assertThat(encoder).isInstanceOf(IdentityEncoder.class);
        assertThat(encoder.inputDim()).isEqualTo(64);
        assertThat(encoder.outputDim()).isEqualTo(64);
        assertThat(encoder.parameterCount()).isZero();
    }

    @Test
    void linearAndMlpHaveTheConfiguredShapes() {
        Encoder linear = new EncoderConfig(EncoderKind.LINEAR, 32, 0, false, INIT).create(64);
        assertThat(linear).isInstanceOf(LinearEncoder.class);
        assertThat(linear.outputDim()).isEqualTo(32);
        assertThat(linear.parameterCount()).isEqualTo(64 * 32 + 32);

        Encoder mlp = new EncoderConfig(EncoderKind.MLP, 16, 48, false, INIT).create(64);
        assertThat(mlp).isInstanceOf(MlpEncoder.class);
        assertThat(((MlpEncoder) mlp).hiddenDim()).isEqualTo(48);
        assertThat(mlp.outputDim()).isEqualTo(16);
        assertThat(mlp.parameterCount()).isEqualTo(48 * 64 + 48 + 16 * 48 + 16);
    }

    @Test
    void normalizeWrapsEveryKind() {
        for (EncoderKind kind : EncoderKind.values()) {
            Encoder encoder = new EncoderConfig(kind, 4, 3, true, INIT).create(6);
            assertThat(encoder).isInstanceOf(NormalizedEncoder.class);
            assertThat(((NormalizedEncoder) encoder).inner())
                    .isNotInstanceOf(NormalizedEncoder.class);
            assertThat(encoder.inputDim()).isEqualTo(6);
        }
    }

    @Test
    void createRejectsANonPositiveInputDim() {
        EncoderConfig config = EncoderConfig.reference();
        assertThatThrownBy(() -> config.create(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inputDim must be > 0, got 0");
    }

    @Test
    void referenceIsTheLearningQualityProtocolConfiguration() {
        EncoderConfig reference = EncoderConfig.reference();
        assertThat(reference.kind()).isEqualTo(EncoderKind.LINEAR);
        assertThat(reference.embeddingDim()).isEqualTo(32);
        assertThat(reference.normalize()).isFalse();
        assertThat(reference.init()).isEqualTo(Initialization.PYTORCH_UNIFORM);
    }
}
