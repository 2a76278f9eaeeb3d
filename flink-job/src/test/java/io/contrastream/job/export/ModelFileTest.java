package io.contrastream.job.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Model files: round trip to bit-identical embeddings, the safetensors layout, hostile files. */
class ModelFileTest {

    static OnlineLearner trained(EncoderKind kind, boolean normalize, int dim, long seed) {
        LearnerConfig config =
                LearnerConfig.reference(seed)
                        .withEncoder(
                                new EncoderConfig(
                                        kind, 5, 7, normalize, Initialization.PYTORCH_UNIFORM));
        OnlineLearner learner = OnlineLearner.create(config, dim);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 300; i++) {
            learner.process(
                    vector(random, dim),
                    vector(random, dim),
                    random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT);
        }
        return learner;
    }

    static float[] vector(SplittableRandom random, int dim) {
        float[] v = new float[dim];
        for (int k = 0; k < dim; k++) {
            v[k] = (float) random.nextGaussian();
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(EncoderKind.class)
    void aWrittenModelEmbedsExactlyAsTheLearner(EncoderKind kind) throws IOException {
        for (boolean normalize : new boolean[] {false, true}) {
            OnlineLearner learner = trained(kind, normalize, 6, 3);
            ModelFile file = ModelFile.read(ModelFile.write("tenant/ä model", learner));

            assertThat(file.model()).isEqualTo("tenant/ä model");
            assertThat(file.modelVersion()).isEqualTo(learner.modelVersion()).isPositive();
            assertThat(file.parameters()).containsExactly(learner.parametersCopy());
            assertThat(file.metadata())
                    .containsEntry("encoder", kind.name().toLowerCase())
                    .containsEntry("normalize", Boolean.toString(normalize))
                    .containsEntry("input_dim", "6");
            ModelFile.Embedder embedder = file.embedder();
            SplittableRandom random = new SplittableRandom(9);
            float[] mine = new float[embedder.embeddingDim()];
            float[] theirs = new float[learner.embeddingDim()];
            for (int i = 0; i < 50; i++) {
                float[] x = vector(random, 6);
                embedder.embed(x, mine);
                learner.embed(x, theirs);
                assertThat(mine).containsExactly(theirs);
            }
        }
    }

    @Test
    void aStandardisingModelCarriesItsStatisticsAndEmbedsExactlyAsTheLearner() throws IOException {
        LearnerConfig config =
                LearnerConfig.reference(4)
                        .withEncoder(
                                new EncoderConfig(
                                        EncoderKind.MLP,
                                        5,
                                        7,
                                        false,
                                        Initialization.PYTORCH_UNIFORM))
                        .withStandardization(
                                new io.contrastream.loss.scale.Standardization(
                                        io.contrastream.loss.scale.Standardization.Mode.DECAYING,
                                        100,
                                        0.01));
        OnlineLearner learner = OnlineLearner.create(config, 6);
        SplittableRandom random = new SplittableRandom(4);
        for (int i = 0; i < 300; i++) {
            float[] a = vector(random, 6);
            float[] b = vector(random, 6);
            for (int k = 0; k < 6; k++) {
                a[k] = a[k] * 300 + 40 * k;
                b[k] = b[k] * 300 + 40 * k;
            }
            learner.process(a, b, random.nextBoolean() ? PairLabel.SAME : PairLabel.DIFFERENT);
        }
        byte[] bytes = ModelFile.write("sensor", learner);
        ModelFile file = ModelFile.read(bytes);
        assertThat(file.metadata()).containsEntry("standardize", "decaying");
        assertThat(file.standardization()[0]).containsExactly(learner.standardizationCopy()[0]);
        assertThat(file.standardization()[1]).containsExactly(learner.standardizationCopy()[1]);
        assertThat(file.standardization()[0][5])
                .isCloseTo(200, org.assertj.core.api.Assertions.within(60.0));
        ModelFile.Embedder embedder = file.embedder();
        float[] mine = new float[5];
        float[] theirs = new float[5];
        for (int i = 0; i < 50; i++) {
            float[] x = vector(random, 6);
            x[3] = x[3] * 300 + 120;
            embedder.embed(x, mine);
            learner.embed(x, theirs);
            assertThat(mine).containsExactly(theirs);
        }
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).contains("\"input.scale\":{\"dtype\":\"F64\",\"shape\":[6]");
        // A zero scale, a lone statistics tensor: refused, naming it.
        byte[] zero = bytes.clone();
        ByteBuffer.wrap(zero).order(ByteOrder.LITTLE_ENDIAN).putDouble(zero.length - 8, 0.0);
        assertThatThrownBy(() -> ModelFile.read(zero)).hasMessageContaining("input.scale");
        byte[] lone =
                text.replaceFirst("\"input.scale\"", "\"input.spare\"")
                        .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ModelFile.read(lone)).hasMessageContaining("input.scale");
    }

    @Test
    void theLayoutIsSafetensorsWithPyTorchNames() throws IOException {
        OnlineLearner learner = trained(EncoderKind.MLP, false, 4, 1);
        byte[] bytes = ModelFile.write("m", learner);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header)
                .contains(
                        "\"0.weight\":{\"dtype\":\"F32\",\"shape\":[7,4],\"data_offsets\":[0,112]}")
                .contains("\"2.bias\"")
                .contains("\"format\":\"contrastream-model\"");
        // The first weight, row-major [h, in], is the first parameter.
        float first =
                ByteBuffer.wrap(bytes, 8 + (int) n, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
        assertThat(first).isEqualTo(learner.parametersCopy()[0]);
        assertThat(bytes.length).isEqualTo(8 + n + 4L * learner.parametersCopy().length);
    }

    @Test
    void aDamagedFileIsRefusedNamingTheProblem() {
        byte[] good = ModelFile.write("m", trained(EncoderKind.LINEAR, false, 4, 2));
        assertThatThrownBy(() -> ModelFile.read(Arrays.copyOf(good, 5)))
                .hasMessageContaining("not a safetensors file");
        assertThatThrownBy(() -> ModelFile.read(Arrays.copyOf(good, good.length - 4)))
                .hasMessageContaining("data_offsets");
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        assertThatThrownBy(() -> ModelFile.read(huge)).hasMessageContaining("header length");
        byte[] nan = good.clone();
        ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(nan.length - 4, Float.NaN);
        assertThatThrownBy(() -> ModelFile.read(nan)).hasMessageContaining("NaN");
        String text = new String(good, StandardCharsets.ISO_8859_1);
        byte[] f16 = text.replaceFirst("\"F32\"", "\"F16\"").getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ModelFile.read(f16)).hasMessageContaining("dtype");
        byte[] otherShape =
                text.replaceFirst("\"shape\":\\[5,4\\]", "\"shape\":[4,5]")
                        .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ModelFile.read(otherShape)).hasMessageContaining("shape");
        byte[] future =
                text.replaceFirst("\"format_version\":\"1\"", "\"format_version\":\"9\"")
                        .getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ModelFile.read(future)).hasMessageContaining("version 9");
    }
}
