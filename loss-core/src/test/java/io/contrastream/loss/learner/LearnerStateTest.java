package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.LearningRateSchedule;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.scale.Standardization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LearnerStateTest {

    private static final int DIM = 6;

    /**
     * A small model with every stateful part in use: Adam, MLP, AUTO threshold, ADWIN, decaying
     * standardisation (a short window, so that it decays within the test), inverse-sqrt schedule.
     */
    static LearnerConfig config() {
        return versionOneConfig()
                .withStandardization(new Standardization(Standardization.Mode.DECAYING, 40, 0.01))
                .withSchedule(
                        new LearningRateSchedule(LearningRateSchedule.Decay.INVERSE_SQRT, 25));
    }

    /** The golden model of format version 1, which had neither standardisation nor schedules. */
    static LearnerConfig versionOneConfig() {
        return LearnerConfig.reference(11)
                .withEncoder(
                        new EncoderConfig(EncoderKind.MLP, 3, 5, true, Initialization.HE_NORMAL))
                .withOptimizer(OptimizerConfig.of(OptimizerKind.ADAM, 0.01).withWeightDecay(1e-4))
                .withThreshold(ThresholdPolicy.auto())
                .withDrift(DriftPolicy.adwin())
                .withClipNorm(5.0);
    }

    /** Feeds {@code count} deterministic pairs, a third of them unlabelled. */
    static void feed(OnlineLearner learner, long seed, int count, StringBuilder trace) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            float[] a = new float[DIM];
            float[] b = new float[DIM];
            for (int k = 0; k < DIM; k++) {
                a[k] = (float) random.nextGaussian();
                b[k] = (float) random.nextGaussian();
            }
            int kind = random.nextInt(3);
            PairLabel label = kind == 0 ? PairLabel.SAME : kind == 1 ? PairLabel.DIFFERENT : null;
            PairResult r = learner.process(a, b, label);
            if (trace != null) {
                trace.append(Double.doubleToLongBits(r.value()))
                        .append(',')
                        .append(Double.doubleToLongBits(r.threshold()))
                        .append(',')
                        .append(r.outcome())
                        .append(';');
            }
        }
    }

    @Test
    void roundTripContinuesBitForBit() throws IOException {
        OnlineLearner original = OnlineLearner.create(config(), DIM);
        feed(original, 1, 700, null);
        byte[] bytes = LearnerState.toBytes(original);
        OnlineLearner restored = LearnerState.fromBytes(bytes);
        assertThat(LearnerState.toBytes(restored)).isEqualTo(bytes);

        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        feed(original, 2, 700, a);
        feed(restored, 2, 700, b);
        assertThat(b.toString()).isEqualTo(a.toString());
        assertThat(LearnerState.toBytes(restored)).isEqualTo(LearnerState.toBytes(original));
        assertThat(restored.modelVersion()).isEqualTo(original.modelVersion()).isPositive();
    }

    @Test
    void refusesWhatItCannotRead() throws IOException {
        byte[] bytes = LearnerState.toBytes(OnlineLearner.create(config(), DIM));

        byte[] wrongMagic = bytes.clone();
        wrongMagic[0] = 0;
        assertThatThrownBy(() -> LearnerState.fromBytes(wrongMagic))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("magic");

        byte[] newer = bytes.clone();
        ByteBuffer.wrap(newer).putShort(4, (short) (LearnerState.VERSION + 1));
        assertThatThrownBy(() -> LearnerState.fromBytes(newer))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("format version " + (LearnerState.VERSION + 1));

        assertThatThrownBy(() -> LearnerState.fromBytes(Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");

        assertThatThrownBy(() -> LearnerState.fromBytes(Arrays.copyOf(bytes, bytes.length + 2)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("trailing");
    }

    private byte[] golden(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            return in.readAllBytes();
        }
    }

    /**
     * A learner state of format version 1, committed (by the engine that wrote version 1): every
     * later version of the engine must read it, as the model it was (no standardisation, constant
     * rate), and continue it exactly as a model that never left memory.
     */
    @Test
    void readsTheCommittedVersionOneState() throws IOException {
        OnlineLearner fresh = OnlineLearner.create(versionOneConfig(), DIM);
        feed(fresh, 3, 300, null);
        OnlineLearner restored = LearnerState.fromBytes(golden("learner-state-v1.bin"));
        assertThat(restored.config()).isEqualTo(versionOneConfig());
        assertThat(restored.config().standardization().enabled()).isFalse();
        assertThat(restored.config().schedule().isConstant()).isTrue();
        assertThat(restored.modelVersion()).isEqualTo(fresh.modelVersion()).isPositive();
        assertThat(restored.parametersCopy()).isEqualTo(fresh.parametersCopy());

        StringBuilder a = new StringBuilder();
        StringBuilder b = new StringBuilder();
        feed(fresh, 4, 300, a);
        feed(restored, 4, 300, b);
        assertThat(b.toString()).isEqualTo(a.toString());
        // Written again, it is version 2, and equal to the never-stored model's bytes.
        assertThat(LearnerState.toBytes(restored)).isEqualTo(LearnerState.toBytes(fresh));
    }

    /**
     * A learner state of format version 2 (standardisation and schedule), committed: every later
     * version must read it. Regenerate only when the golden model's recipe (not the format)
     * changes, with {@code -Dcontrastream.writeGolden=DIR}.
     */
    @Test
    void readsTheCommittedVersionTwoState() throws IOException {
        OnlineLearner fresh = OnlineLearner.create(config(), DIM);
        feed(fresh, 3, 300, null);
        byte[] expected = LearnerState.toBytes(fresh);
        String write = System.getProperty("contrastream.writeGolden");
        if (write != null) {
            java.nio.file.Files.write(
                    java.nio.file.Path.of(write, "learner-state-v2.bin"), expected);
        }
        OnlineLearner restored = LearnerState.fromBytes(golden("learner-state-v2.bin"));
        assertThat(restored.config()).isEqualTo(config());
        assertThat(restored.modelVersion()).isEqualTo(fresh.modelVersion());
        assertThat(restored.standardizationCopy()).isEqualTo(fresh.standardizationCopy());
        // Format version 2 is still what this engine writes: the bytes are the same.
        assertThat(LearnerState.toBytes(restored)).isEqualTo(expected);
    }
}
