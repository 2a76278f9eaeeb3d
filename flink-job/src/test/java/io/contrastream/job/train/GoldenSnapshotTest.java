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
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DeadLetterReason;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairScore;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * State written by this version must restore in every later one. A snapshot of the trainer operator
 * (what a savepoint holds for it: the keyed model states through {@link ModelStateSerializer}, with
 * the serializer's snapshot) is committed per serializer snapshot version as {@code
 * golden/trainer-snapshot-vN}; each is restored here and must continue exactly as a run that never
 * stopped. Version 1 (model-state format 1) kept no event ids, so a repeat of an id from before it
 * is accepted; version 2 keeps them, so the repeat is refused. A new version's file is written
 * beside the old ones with {@code -Dcontrastream.writeGolden=DIR} (it writes the current version).
 */
class GoldenSnapshotTest {

    static TrainerSettings settings() {
        return new TrainerSettings(
                OnlineContrastiveTrainerTest.learner(PairLabel.DIFFERENT, ThresholdPolicy.auto())
                        .withOptimizer(OptimizerConfig.of(OptimizerKind.ADAM, 0.01))
                        .withLoss(ContrastiveLoss.Form.COSINE, 0.1),
                AlertMode.CHANGE,
                50,
                40);
    }

    @ParameterizedTest(name = "version {0}")
    @ValueSource(ints = {1, 2})
    void aCommittedSnapshotRestoresAndContinuesExactly(int version) throws Exception {
        String goldenName = "golden/trainer-snapshot-v" + version;
        var first = OnlineContrastiveTrainerTest.stream(8, 300, 6);
        var second = OnlineContrastiveTrainerTest.stream(9, 300, 6);
        String write = System.getProperty("contrastream.writeGolden");
        if (write != null) {
            try (var h = OnlineContrastiveTrainerTest.harness(settings())) {
                h.open();
                OnlineContrastiveTrainerTest.feed(h, first);
                OperatorSnapshotUtil.writeStateHandle(
                        h.snapshot(1, 1),
                        Path.of(write, "trainer-snapshot-v" + ModelStateSerializer.Snapshot.VERSION)
                                .toString());
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

        URL golden = getClass().getClassLoader().getResource(goldenName);
        assertThat(golden).as("committed snapshot " + goldenName).isNotNull();
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

            // A retry of the last pair before the snapshot.
            var retry = first.get(first.size() - 1);
            h.processElement(new StreamRecord<>(retry, 0));
            var dead = OnlineContrastiveTrainerTest.side(h, OnlineContrastiveTrainer.DEAD_LETTERS);
            if (version >= 2) {
                assertThat(dead)
                        .extracting(DeadLetter::getReason)
                        .containsExactly(DeadLetterReason.DUPLICATE_EVENT);
            } else {
                assertThat(dead).isEmpty();
                assertThat(h.extractOutputValues()).hasSize(straight.size() + 1);
            }
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
