package io.contrastream.job.train;

import static io.contrastream.job.train.OnlineContrastiveTrainerTest.feed;
import static io.contrastream.job.train.OnlineContrastiveTrainerTest.side;
import static io.contrastream.job.train.OnlineContrastiveTrainerTest.stream;
import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.model.ModelState;
import io.contrastream.job.model.PairRecord;
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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The operator around the trainer: the working copy of the models on RocksDB (written to state
 * before each snapshot, bounded, evicting with write-back) and the bound on models per subtask.
 */
class TrainerOperatorTest {

    private static final int DIM = 6;
    private static final int MAX_PARALLELISM = 128;

    /** Every model fits: nothing is written to the state until a snapshot or the end of input. */
    private static final long UNBOUNDED = Long.MAX_VALUE;

    /**
     * Below one model's size: one working copy at a time, so alternating models evict each other.
     */
    private static final long ONE_MODEL = 1;

    static TrainerSettings settings(long maxModels) {
        return new TrainerSettings(
                OnlineContrastiveTrainerTest.learner(PairLabel.DIFFERENT, ThresholdPolicy.auto())
                        .withOptimizer(OptimizerConfig.of(OptimizerKind.ADAM, 0.01))
                        .withLoss(ContrastiveLoss.Form.COSINE, 0.1),
                AlertMode.CHANGE,
                50,
                40,
                maxModels,
                TrainerSettings.DEFAULT_DEDUPE_WINDOW,
                0);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> harness(
            TrainerSettings settings, boolean rocksdb, long workingCopyBytes) throws Exception {
        return harness(settings, rocksdb, workingCopyBytes, 1, 0);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> harness(
            TrainerSettings settings,
            boolean rocksdb,
            long workingCopyBytes,
            int parallelism,
            int subtask)
            throws Exception {
        var h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new TrainerOperator(
                                new OnlineContrastiveTrainer(
                                        settings, SourceInfo.kafka("pairs"), WireFormat.AVRO),
                                workingCopyBytes),
                        PairRecord::model,
                        Types.STRING,
                        MAX_PARALLELISM,
                        parallelism,
                        subtask);
        if (rocksdb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    private static ModelState stateOf(
            KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> h, String model)
            throws Exception {
        h.getOperator().setCurrentKey(model);
        ValueState<ModelState> state =
                h.getOperator()
                        .getKeyedStateBackend()
                        .getPartitionedState(
                                VoidNamespace.INSTANCE,
                                VoidNamespaceSerializer.INSTANCE,
                                OnlineContrastiveTrainer.stateDescriptor());
        return state.value();
    }

    /** The keys of the model state (the harness cannot count RocksDB's entries). */
    private static long modelKeys(
            KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> h) {
        try (Stream<String> keys =
                h.getOperator()
                        .<String>getKeyedStateBackend()
                        .getKeys(
                                OnlineContrastiveTrainer.stateDescriptor().getName(),
                                VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    private static WorkingCopyModels workingCopy(
            KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> h) {
        return (WorkingCopyModels) ((TrainerOperator) h.getOperator()).models();
    }

    @Test
    void theHeapBackendIsUsedDirectlyAndRocksDbThroughAWorkingCopy() throws Exception {
        try (var h = harness(settings(10), false, UNBOUNDED)) {
            h.open();
            assertThat(((TrainerOperator) h.getOperator()).models())
                    .isInstanceOf(KeyedStateModels.class);
        }
        try (var h = harness(settings(10), true, UNBOUNDED)) {
            h.open();
            assertThat(((TrainerOperator) h.getOperator()).models())
                    .isInstanceOf(WorkingCopyModels.class);
        }
    }

    /**
     * RocksDB, a snapshot taken mid-stream, restored into a fresh operator: the continuation must
     * equal that of the heap backend, which has no working copy at all, run without interruption.
     * With an unbounded budget the models exist only as working copies until the snapshot; with a
     * budget of one model, alternating models evict (write back) and re-read each other on every
     * pair.
     */
    @ParameterizedTest(name = "working-copy bytes={0}")
    @ValueSource(longs = {UNBOUNDED, ONE_MODEL})
    void aSnapshotMidStreamHoldsTheWorkingCopysLatestValues(long budget) throws Exception {
        TrainerSettings settings = settings(10);
        List<PairRecord> first = stream(8, 301, DIM); // odd: alpha has the last pair
        List<PairRecord> second = stream(9, 300, DIM);

        List<PairScore> straight;
        List<LossMetrics> straightMetrics;
        List<ChangeAlert> straightAlerts;
        try (var h = harness(settings, false, budget)) {
            h.open();
            feed(h, first);
            h.extractOutputValues();
            int m = side(h, OnlineContrastiveTrainer.METRICS).size();
            int a = side(h, OnlineContrastiveTrainer.ALERTS).size();
            feed(h, second);
            List<PairScore> all = h.extractOutputValues();
            straight = all.subList(first.size(), all.size());
            List<LossMetrics> metrics = side(h, OnlineContrastiveTrainer.METRICS);
            straightMetrics = metrics.subList(m, metrics.size());
            List<ChangeAlert> alerts = side(h, OnlineContrastiveTrainer.ALERTS);
            straightAlerts = alerts.subList(a, alerts.size());
        }

        OperatorSubtaskState snapshot;
        try (var h = harness(settings, true, budget)) {
            h.open();
            feed(h, first);
            WorkingCopyModels copies = workingCopy(h);
            if (budget == UNBOUNDED) {
                // Both models live only in the working copy: the state has not been written.
                assertThat(copies.size()).isEqualTo(2);
                assertThat(stateOf(h, "alpha")).isNull();
                assertThat(stateOf(h, "beta")).isNull();
            } else {
                // Beta was evicted (written back) when alpha's last pair was read.
                assertThat(copies.capacity()).isEqualTo(1);
                assertThat(copies.size()).isEqualTo(1);
                assertThat(stateOf(h, "beta").learner().events()).isEqualTo(150);
            }
            snapshot = h.snapshot(1, 1);
            // The snapshot wrote every copy back first.
            assertThat(copies.size()).isZero();
            assertThat(stateOf(h, "alpha").learner().events()).isEqualTo(151);
            assertThat(stateOf(h, "beta").learner().events()).isEqualTo(150);
        }
        try (var h = harness(settings, true, budget)) {
            h.initializeState(snapshot);
            h.open();
            assertThat(modelKeys(h)).isEqualTo(2);
            feed(h, second);
            assertThat(h.extractOutputValues()).isEqualTo(straight);
            assertThat(side(h, OnlineContrastiveTrainer.METRICS)).isEqualTo(straightMetrics);
            assertThat(side(h, OnlineContrastiveTrainer.ALERTS)).isEqualTo(straightAlerts);
        }
        assertThat(straight).hasSize(300);
        assertThat(straightAlerts).isNotEmpty();
        assertThat(straightMetrics).isNotEmpty();
    }

    @Test
    void theEndOfInputWritesTheWorkingCopiesBack() throws Exception {
        try (var h = harness(settings(10), true, UNBOUNDED)) {
            h.open();
            feed(h, stream(3, 40, DIM));
            assertThat(stateOf(h, "alpha")).isNull();
            h.getOperator().finish();
            assertThat(stateOf(h, "alpha").learner().events()).isEqualTo(20);
            assertThat(stateOf(h, "beta").learner().events()).isEqualTo(20);
        }
    }

    private static PairRecord pairOf(String model, long seed) {
        PairRecord p = stream(seed, 1, DIM).get(0);
        return new PairRecord(
                p.eventId(),
                model,
                p.leftId(),
                p.left(),
                p.rightId(),
                p.right(),
                p.label(),
                p.eventTime(),
                p.partition(),
                p.position());
    }

    private static List<String> refusedModels(
            KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> h) {
        List<String> models = new ArrayList<>();
        for (DeadLetter d : side(h, OnlineContrastiveTrainer.DEAD_LETTERS)) {
            assertThat(d.getReason()).isEqualTo(DeadLetterReason.MODEL_LIMIT);
            models.add(d.getMessage().toString().split("'")[1]);
        }
        return models;
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {false, true})
    void pastMaxModelsANewModelIsDeadLetteredAndTheBoundSurvivesARestore(boolean rocksdb)
            throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness(settings(2), rocksdb, UNBOUNDED)) {
            h.open();
            feed(h, stream(1, 10, DIM)); // alpha, beta
            h.processElement(new StreamRecord<>(pairOf("gamma", 2), 0));
            feed(h, stream(3, 4, DIM)); // existing models go on
            assertThat(refusedModels(h)).containsExactly("gamma");
            assertThat(side(h, OnlineContrastiveTrainer.DEAD_LETTERS).get(0).getMessage())
                    .isEqualTo(
                            "model 'gamma' is new and this trainer subtask already holds 2"
                                    + " models (max-models 2)");
            assertThat(h.extractOutputValues()).hasSize(14);
            snapshot = h.snapshot(1, 1);
            assertThat(modelKeys(h)).isEqualTo(2);
        }
        // Restored with the same bound: the two models count, a new one is refused.
        try (var h = harness(settings(2), rocksdb, UNBOUNDED)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(pairOf("delta", 4), 0));
            h.processElement(new StreamRecord<>(pairOf("alpha", 5), 0));
            assertThat(refusedModels(h)).containsExactly("delta");
            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.extractOutputValues().get(0).getModelVersion()).isPositive();
        }
        // Restored with a bound of three: exactly one more model fits.
        try (var h = harness(settings(3), rocksdb, UNBOUNDED)) {
            h.initializeState(snapshot);
            h.open();
            h.processElement(new StreamRecord<>(pairOf("delta", 4), 0));
            h.processElement(new StreamRecord<>(pairOf("epsilon", 6), 0));
            assertThat(refusedModels(h)).containsExactly("epsilon");
            assertThat(h.extractOutputValues()).hasSize(1);
        }
    }

    /** Key groups move on a rescale: each new subtask counts the models it received, no more. */
    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {false, true})
    void afterARescaleEachSubtaskCountsTheModelsItReceived(boolean rocksdb) throws Exception {
        List<String> held = List.of("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7");
        OperatorSubtaskState snapshot;
        try (var h = harness(settings(8), rocksdb, UNBOUNDED)) {
            h.open();
            long seed = 10;
            for (String model : held) {
                h.processElement(new StreamRecord<>(pairOf(model, seed++), 0));
            }
            assertThat(side(h, OnlineContrastiveTrainer.DEAD_LETTERS)).isEmpty();
            snapshot = h.snapshot(1, 1);
        }
        for (int subtask = 0; subtask < 2; subtask++) {
            long mine = 0;
            for (String model : held) {
                if (subtaskOf(model) == subtask) {
                    mine++;
                }
            }
            List<String> fresh = new ArrayList<>();
            for (int i = 0; fresh.size() < 8 - mine + 1; i++) {
                if (subtaskOf("new" + i) == subtask) {
                    fresh.add("new" + i);
                }
            }
            OperatorSubtaskState part =
                    AbstractStreamOperatorTestHarness.repartitionOperatorState(
                            snapshot, MAX_PARALLELISM, 1, 2, subtask);
            try (var h = harness(settings(8), rocksdb, UNBOUNDED, 2, subtask)) {
                h.initializeState(part);
                h.open();
                assertThat(modelKeys(h)).isEqualTo(mine);
                long seed = 100;
                for (String model : fresh) {
                    h.processElement(new StreamRecord<>(pairOf(model, seed++), 0));
                }
                // 8 - mine new models fit beside the ones received; the last is one too many.
                assertThat(refusedModels(h)).containsExactly(fresh.get(fresh.size() - 1));
            }
        }
    }

    private static int subtaskOf(String model) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(model, MAX_PARALLELISM, 2);
    }
}
