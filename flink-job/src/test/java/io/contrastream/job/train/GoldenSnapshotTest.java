package io.contrastream.job.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.job.model.ModelState;
import io.contrastream.job.model.ModelStateSerializer;
import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.learner.ThresholdPolicy;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairScore;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;

/**
 * State written by this version must restore in every later one. A snapshot of the trainer operator
 * (what a savepoint holds for it: the keyed model states through {@link ModelStateSerializer}, with
 * the serializer's snapshot) is committed as {@code golden/trainer-snapshot-v1}; it is restored
 * here and must continue exactly as a run that never stopped. Regenerate only for a deliberate new
 * format version, beside the old file, with {@code -Dcontrastream.writeGolden=DIR}.
 */
class GoldenSnapshotTest {

    private static final String GOLDEN = "golden/trainer-snapshot-v1";

    static TrainerSettings settings() {
        return new TrainerSettings(
                OnlineContrastiveTrainerTest.learner(PairLabel.DIFFERENT, ThresholdPolicy.auto())
                        .withOptimizer(OptimizerConfig.of(OptimizerKind.ADAM, 0.01))
                        .withLoss(ContrastiveLoss.Form.COSINE, 0.1),
                AlertMode.CHANGE,
                50,
                40);
    }

    @Test
    void theCommittedVersionOneSnapshotRestoresAndContinuesExactly() throws Exception {
        var first = OnlineContrastiveTrainerTest.stream(8, 300, 6);
        var second = OnlineContrastiveTrainerTest.stream(9, 300, 6);
        String write = System.getProperty("contrastream.writeGolden");
        if (write != null) {
            try (var h = OnlineContrastiveTrainerTest.harness(settings())) {
                h.open();
                OnlineContrastiveTrainerTest.feed(h, first);
                OperatorSnapshotUtil.writeStateHandle(
                        h.snapshot(1, 1), Path.of(write, "trainer-snapshot-v1").toString());
            }
        }

        List<PairScore> straight;
        List<LossMetrics> straightMetrics;
        List<ChangeAlert> straightAlerts;
        try (var h = OnlineContrastiveTrainerTest.harness(settings())) {
            h.open();
            OnlineContrastiveTrainerTest.feed(h, first);
            h.extractOutputValues();
            int m = OnlineContrastiveTrainerTest.side(h, OnlineContrastiveTrainer.METRICS).size();
            int a = OnlineContrastiveTrainerTest.side(h, OnlineContrastiveTrainer.ALERTS).size();
            OnlineContrastiveTrainerTest.feed(h, second);
            List<PairScore> all = h.extractOutputValues();
            straight = all.subList(first.size(), all.size());
            var metrics = OnlineContrastiveTrainerTest.side(h, OnlineContrastiveTrainer.METRICS);
            straightMetrics = metrics.subList(m, metrics.size());
            var alerts = OnlineContrastiveTrainerTest.side(h, OnlineContrastiveTrainer.ALERTS);
            straightAlerts = alerts.subList(a, alerts.size());
        }

        URL golden = getClass().getClassLoader().getResource(GOLDEN);
        assertThat(golden).as("committed snapshot " + GOLDEN).isNotNull();
        OperatorSubtaskState state = OperatorSnapshotUtil.readStateHandle(golden.getPath());
        try (var h = OnlineContrastiveTrainerTest.harness(settings())) {
            h.initializeState(state);
            h.open();
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            OnlineContrastiveTrainerTest.feed(h, second);
            assertThat(h.extractOutputValues()).isEqualTo(straight);
            assertThat(OnlineContrastiveTrainerTest.side(h, OnlineContrastiveTrainer.METRICS))
                    .isEqualTo(straightMetrics);
            assertThat(OnlineContrastiveTrainerTest.side(h, OnlineContrastiveTrainer.ALERTS))
                    .isEqualTo(straightAlerts);
        }
        assertThat(straight).hasSize(300);
    }

    @Test
    void aSerializerSnapshotFromAFutureVersionIsRefused() {
        ModelStateSerializer.Snapshot snapshot = new ModelStateSerializer.Snapshot();
        assertThatThrownBy(
                        () ->
                                snapshot.readSnapshot(
                                        ModelStateSerializer.Snapshot.VERSION + 1,
                                        new DataInputDeserializer(new byte[0]),
                                        getClass().getClassLoader()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("newer than this engine reads");
    }

    @Test
    void todaysSerializerReadsVersionOneStateAsIs() throws IOException {
        ModelStateSerializer.Snapshot old = new ModelStateSerializer.Snapshot();
        old.readSnapshot(1, new DataInputDeserializer(new byte[0]), getClass().getClassLoader());
        TypeSerializerSchemaCompatibility<ModelState> compatibility =
                new ModelStateSerializer.Snapshot().resolveSchemaCompatibility(old);
        assertThat(compatibility.isCompatibleAsIs()).isTrue();
    }
}
