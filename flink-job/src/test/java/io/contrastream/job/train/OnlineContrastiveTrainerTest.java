package io.contrastream.job.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.model.ModelState;
import io.contrastream.job.model.PairRecord;
import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.learner.PairResult;
import io.contrastream.loss.learner.ThresholdPolicy;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.schema.AlertKind;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DeadLetterReason;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairScore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trainer through Flink's keyed operator harness: outputs, side outputs, state, restore. */
class OnlineContrastiveTrainerTest {

    private static final int DIM = 6;

    static LearnerConfig learner(PairLabel positiveClass, ThresholdPolicy threshold) {
        return LearnerConfig.reference(3).toBuilder()
                .encoder(
                        new EncoderConfig(
                                EncoderKind.LINEAR, 4, 0, false, Initialization.PYTORCH_UNIFORM))
                .optimizer(OptimizerConfig.of(OptimizerKind.SGD, 0.05))
                .positiveClass(positiveClass)
                .threshold(threshold)
                .build();
    }

    static TrainerSettings settings(
            AlertMode mode, ThresholdPolicy threshold, long warmup, long every) {
        return new TrainerSettings(learner(mode.positiveClass(), threshold), mode, warmup, every);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> harness(
            TrainerSettings settings) throws Exception {
        return harness(settings, false);
    }

    static KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> harness(
            TrainerSettings settings, boolean rocksdb) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> h =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new OnlineContrastiveTrainer(
                                        settings, SourceInfo.kafka("pairs"), WireFormat.AVRO)
                                .operator(),
                        PairRecord::model,
                        Types.STRING);
        if (rocksdb) {
            h.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return h;
    }

    /** A deterministic stream over two models; a third of the pairs unlabelled. */
    static List<PairRecord> stream(long seed, int count, int dim) {
        SplittableRandom random = new SplittableRandom(seed);
        List<PairRecord> pairs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] a = new float[dim];
            float[] b = new float[dim];
            for (int k = 0; k < dim; k++) {
                a[k] = (float) random.nextGaussian();
                b[k] = (float) random.nextGaussian();
            }
            int kind = random.nextInt(3);
            PairLabel label = kind == 0 ? PairLabel.SAME : kind == 1 ? PairLabel.DIFFERENT : null;
            String model = i % 2 == 0 ? "alpha" : "beta";
            pairs.add(
                    new PairRecord(
                            "e" + seed + "-" + i,
                            model,
                            "l" + i,
                            a,
                            "r" + i,
                            b,
                            label,
                            1_000L * i,
                            0,
                            i));
        }
        return pairs;
    }

    static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> h,
            List<PairRecord> pairs)
            throws Exception {
        for (PairRecord p : pairs) {
            h.processElement(new StreamRecord<>(p, p.eventTime()));
        }
    }

    static <T> List<T> side(
            KeyedOneInputStreamOperatorTestHarness<String, PairRecord, PairScore> h,
            OutputTag<T> tag) {
        var queue = h.getSideOutput(tag);
        return queue == null
                ? List.of()
                : queue.stream().map(StreamRecord::getValue).collect(Collectors.toList());
    }

    @Test
    void everyPairIsScoredBeforeItsOwnUpdate() throws Exception {
        TrainerSettings settings =
                settings(AlertMode.CHANGE, ThresholdPolicy.marginHalf(), 0, 1000);
        List<PairRecord> pairs = stream(1, 200, DIM);
        try (var h = harness(settings)) {
            h.open();
            feed(h, pairs);
            List<PairScore> scores = h.extractOutputValues();
            assertThat(scores).hasSize(pairs.size());
            // An independent learner per model, fed the same pairs in the same order.
            OnlineLearner alpha = OnlineLearner.create(settings.learner(), DIM);
            OnlineLearner beta = OnlineLearner.create(settings.learner(), DIM);
            for (int i = 0; i < pairs.size(); i++) {
                PairRecord p = pairs.get(i);
                OnlineLearner own = p.model().equals("alpha") ? alpha : beta;
                long version = own.modelVersion();
                PairResult r = own.process(p.left(), p.right(), p.label());
                PairScore s = scores.get(i);
                assertThat(s.getEventId()).isEqualTo(p.eventId());
                assertThat(s.getDistance()).isEqualTo(r.dissimilarity());
                assertThat(s.getModelVersion()).isEqualTo(version);
                if (p.label() == null) {
                    assertThat(s.getLoss()).isNull();
                    assertThat(s.getLabel()).isNull();
                } else {
                    assertThat(s.getLoss()).isEqualTo(r.loss());
                    assertThat(s.getLabel().name()).isEqualTo(p.label().name());
                }
            }
            // The keyed state holds exactly the two models, each equal to its independent twin.
            assertThat(h.numKeyedStateEntries()).isEqualTo(2);
            h.getOperator().setCurrentKey("alpha");
            ValueState<ModelState> state =
                    h.getOperator()
                            .getKeyedStateBackend()
                            .getPartitionedState(
                                    VoidNamespace.INSTANCE,
                                    VoidNamespaceSerializer.INSTANCE,
                                    OnlineContrastiveTrainer.stateDescriptor());
            assertThat(state.value().learner().parametersCopy()).isEqualTo(alpha.parametersCopy());
            assertThat(state.value().learner().events()).isEqualTo(100);
        }
    }

    @Test
    void metricsEveryNPairsOfAModelAndAtTheEndOfInput() throws Exception {
        TrainerSettings settings = settings(AlertMode.CHANGE, ThresholdPolicy.marginHalf(), 0, 30);
        try (var h = harness(settings)) {
            h.open();
            feed(h, stream(2, 130, DIM)); // 65 pairs per model: windows close at 30 and 60
            List<LossMetrics> metrics = side(h, OnlineContrastiveTrainer.METRICS);
            assertThat(metrics).hasSize(4);
            assertThat(metrics).allSatisfy(m -> assertThat(m.getCount()).isEqualTo(30));
            h.processWatermark(new Watermark(Long.MAX_VALUE)); // a bounded input ends
            metrics = side(h, OnlineContrastiveTrainer.METRICS);
            assertThat(metrics).hasSize(6);
            assertThat(metrics.subList(4, 6))
                    .allSatisfy(m -> assertThat(m.getCount()).isEqualTo(5));
            LossMetrics first = metrics.get(0);
            assertThat(first.getLabelledCount()).isBetween(1L, 30L);
            assertThat(first.getWindowStart()).isBefore(first.getWindowEnd());
            assertThat(first.getMeanLoss()).isNotNull().isPositive();
            assertThat(first.getParameterNorm()).isPositive();
        }
    }

    @Test
    void noAlertBeforeWarmupThenChangeAlertsAboveTheThreshold() throws Exception {
        // A threshold of 0 makes every pair "changed": the warm-up alone decides.
        TrainerSettings settings = settings(AlertMode.CHANGE, ThresholdPolicy.fixed(0.0), 20, 1000);
        List<PairRecord> pairs = stream(3, 120, DIM);
        try (var h = harness(settings)) {
            h.open();
            feed(h, pairs);
            List<PairScore> scores = h.extractOutputValues();
            List<ChangeAlert> alerts = side(h, OnlineContrastiveTrainer.ALERTS);
            long flagged = scores.stream().filter(PairScore::getAlert).count();
            assertThat(alerts.stream().filter(a -> a.getKind() == AlertKind.CHANGE).count())
                    .isEqualTo(flagged)
                    .isPositive();
            for (PairScore s : scores) {
                assertThat(s.getAlert()).isEqualTo(s.getModelVersion() >= 20);
            }
            ChangeAlert a = alerts.get(0);
            assertThat(a.getAlertId()).isEqualTo(a.getModel() + "/1");
            assertThat(a.getDistance()).isGreaterThan(a.getThreshold());
        }
    }

    @Test
    void duplicateModeAlertsBelowTheThreshold() throws Exception {
        TrainerSettings settings =
                settings(AlertMode.DUPLICATE, ThresholdPolicy.fixed(1.5), 0, 1000);
        try (var h = harness(settings)) {
            h.open();
            feed(h, stream(4, 200, DIM));
            List<PairScore> scores = h.extractOutputValues();
            for (PairScore s : scores) {
                assertThat(s.getAlert()).isEqualTo(s.getDistance() < 1.5);
                assertThat(s.getThreshold()).isEqualTo(1.5);
            }
            List<ChangeAlert> alerts = side(h, OnlineContrastiveTrainer.ALERTS);
            assertThat(alerts)
                    .isNotEmpty()
                    .allSatisfy(
                            a -> {
                                assertThat(a.getKind()).isEqualTo(AlertKind.DUPLICATE);
                                assertThat(a.getDistance()).isLessThan(1.5);
                            });
        }
    }

    @Test
    void marginHalfAndAutoThresholds() throws Exception {
        try (var h = harness(settings(AlertMode.CHANGE, ThresholdPolicy.marginHalf(), 0, 1000))) {
            h.open();
            feed(h, stream(5, 50, DIM));
            assertThat(h.extractOutputValues())
                    .allSatisfy(s -> assertThat(s.getThreshold()).isEqualTo(1.0));
        }
        try (var h = harness(settings(AlertMode.CHANGE, ThresholdPolicy.auto(), 0, 1000))) {
            h.open();
            feed(h, stream(5, 600, DIM));
            List<PairScore> scores = h.extractOutputValues();
            // Before 50 labelled pairs the calibrator answers m/2; afterwards it has chosen its
            // own.
            assertThat(scores.get(0).getThreshold()).isEqualTo(1.0);
            assertThat(scores.get(scores.size() - 1).getThreshold()).isNotEqualTo(1.0);
        }
    }

    @Test
    void aPairOfAnotherDimensionIsDeadLetteredAndTouchesNothing() throws Exception {
        TrainerSettings settings =
                settings(AlertMode.CHANGE, ThresholdPolicy.marginHalf(), 0, 1000);
        try (var h = harness(settings)) {
            h.open();
            feed(h, stream(6, 10, DIM));
            PairRecord odd = stream(7, 1, DIM + 1).get(0); // model "alpha", 7 values
            h.processElement(new StreamRecord<>(odd, 0));
            List<DeadLetter> dead = side(h, OnlineContrastiveTrainer.DEAD_LETTERS);
            assertThat(dead).hasSize(1);
            assertThat(dead.get(0).getReason()).isEqualTo(DeadLetterReason.DIMENSION_MISMATCH);
            assertThat(dead.get(0).getMessage())
                    .isEqualTo("features have 7 values, model 'alpha' expects 6");
            assertThat(dead.get(0).getOriginal().remaining()).isPositive();
            assertThat(h.extractOutputValues()).hasSize(10);
        }
    }

    static PairRecord withId(PairRecord p, String eventId) {
        return new PairRecord(
                eventId,
                p.model(),
                p.leftId(),
                p.left(),
                p.rightId(),
                p.right(),
                p.label(),
                p.eventTime(),
                p.partition(),
                p.position());
    }

    /**
     * Tenants: one model's events, even ones reusing another model's event ids or of another
     * dimension, never change what another model computes.
     */
    @Test
    void anotherModelsEventsNeverTouchAModel() throws Exception {
        TrainerSettings settings = settings(AlertMode.CHANGE, ThresholdPolicy.auto(), 10, 25);
        List<PairRecord> beta =
                stream(14, 300, DIM).stream().filter(p -> p.model().equals("beta")).toList();
        List<PairScore> alone;
        List<LossMetrics> aloneMetrics;
        try (var h = harness(settings)) {
            h.open();
            feed(h, beta);
            alone = h.extractOutputValues();
            aloneMetrics = side(h, OnlineContrastiveTrainer.METRICS);
        }
        try (var h = harness(settings)) {
            h.open();
            List<PairRecord> other = stream(15, 2 * beta.size(), DIM + 3);
            for (int i = 0; i < beta.size(); i++) {
                // A hostile tenant: beta's own event ids, other features, another dimension.
                PairRecord o = other.get(2 * i);
                h.processElement(
                        new StreamRecord<>(
                                new PairRecord(
                                        beta.get(i).eventId(),
                                        "alpha",
                                        o.leftId(),
                                        o.left(),
                                        o.rightId(),
                                        o.right(),
                                        o.label(),
                                        o.eventTime(),
                                        0,
                                        i),
                                0));
                h.processElement(new StreamRecord<>(beta.get(i), 0));
            }
            List<PairScore> mixed = h.extractOutputValues();
            assertThat(mixed.stream().filter(s -> s.getModel().equals("beta")).toList())
                    .isEqualTo(alone);
            assertThat(
                            side(h, OnlineContrastiveTrainer.METRICS).stream()
                                    .filter(m -> m.getModel().equals("beta"))
                                    .toList())
                    .isEqualTo(aloneMetrics);
            assertThat(mixed).hasSize(2 * beta.size());
            assertThat(side(h, OnlineContrastiveTrainer.DEAD_LETTERS)).isEmpty();
        }
    }

    @Test
    void aRepeatedEventIdIsDeadLetteredAndTouchesNothing() throws Exception {
        TrainerSettings settings =
                settings(AlertMode.CHANGE, ThresholdPolicy.marginHalf(), 0, 1000);
        List<PairRecord> first = stream(10, 40, DIM);
        List<PairRecord> then = stream(11, 40, DIM);
        List<PairScore> clean;
        try (var h = harness(settings)) {
            h.open();
            feed(h, first);
            feed(h, then);
            clean = h.extractOutputValues();
        }
        try (var h = harness(settings)) {
            h.open();
            feed(h, first);
            // Retries: the same ids again (one with other features: the id decides), then the rest.
            h.processElement(new StreamRecord<>(first.get(3), 0));
            h.processElement(new StreamRecord<>(withId(then.get(0), first.get(30).eventId()), 0));
            feed(h, then);

            List<DeadLetter> dead = side(h, OnlineContrastiveTrainer.DEAD_LETTERS);
            assertThat(dead)
                    .extracting(DeadLetter::getReason)
                    .containsExactly(
                            DeadLetterReason.DUPLICATE_EVENT, DeadLetterReason.DUPLICATE_EVENT);
            assertThat(dead.get(0).getMessage())
                    .isEqualTo(
                            "event_id '"
                                    + first.get(3).eventId()
                                    + "' is among the last 1024 accepted by model 'beta'");
            assertThat(dead.get(0).getOriginal().remaining()).isPositive();
            assertThat(h.extractOutputValues()).as("as if never repeated").isEqualTo(clean);
        }
    }

    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {false, true})
    void theDedupeWindowIsBoundedAndSurvivesARestore(boolean rocksdb) throws Exception {
        TrainerSettings settings =
                new TrainerSettings(
                        learner(PairLabel.DIFFERENT, ThresholdPolicy.marginHalf()),
                        AlertMode.CHANGE,
                        0,
                        1000,
                        TrainerSettings.DEFAULT_MAX_MODELS,
                        8,
                        0);
        List<PairRecord> pairs = stream(12, 40, DIM); // 20 per model
        OperatorSubtaskState snapshot;
        try (var h = harness(settings, rocksdb)) {
            h.open();
            feed(h, pairs);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(settings, rocksdb)) {
            h.initializeState(snapshot);
            h.open();
            // alpha's last 8 ids are pairs 24, 26, ..., 38: 38 is remembered, 22 is not.
            h.processElement(new StreamRecord<>(pairs.get(38), 0));
            h.processElement(new StreamRecord<>(pairs.get(22), 0));
            assertThat(side(h, OnlineContrastiveTrainer.DEAD_LETTERS))
                    .extracting(DeadLetter::getOffset, DeadLetter::getReason)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(
                                    38L, DeadLetterReason.DUPLICATE_EVENT));
            assertThat(h.extractOutputValues())
                    .extracting(PairScore::getEventId)
                    .containsExactly(pairs.get(22).eventId());
        }
    }

    @Test
    void aLearningRateFarTooHighSkipsUpdatesKeepsParametersFiniteAndAlertsOncePerWindow()
            throws Exception {
        TrainerSettings settings =
                new TrainerSettings(
                        learner(PairLabel.DIFFERENT, ThresholdPolicy.marginHalf())
                                .withOptimizer(OptimizerConfig.of(OptimizerKind.SGD, 1e6)),
                        AlertMode.CHANGE,
                        500,
                        50);
        List<PairRecord> pairs = stream(13, 400, DIM); // 200 per model, 4 windows each
        try (var h = harness(settings)) {
            h.open();
            feed(h, pairs);
            List<LossMetrics> metrics = side(h, OnlineContrastiveTrainer.METRICS);
            List<ChangeAlert> skippedAlerts =
                    side(h, OnlineContrastiveTrainer.ALERTS).stream()
                            .filter(a -> a.getKind() == AlertKind.UPDATES_SKIPPED)
                            .collect(Collectors.toList());

            assertThat(metrics).hasSize(8);
            assertThat(metrics).allSatisfy(m -> assertThat(m.getParameterNorm()).isFinite());
            long windowsWithSkips = metrics.stream().filter(m -> m.getSkippedUpdates() > 0).count();
            assertThat(windowsWithSkips).isPositive();
            assertThat(metrics.stream().mapToLong(LossMetrics::getSkippedUpdates).sum())
                    .as("skips counted")
                    .isGreaterThan(windowsWithSkips);
            assertThat(skippedAlerts).hasSize((int) windowsWithSkips);
            assertThat(skippedAlerts)
                    .allSatisfy(
                            a -> {
                                assertThat(a.getEventId()).isNull();
                                assertThat(a.getDetail()).contains("labelled update skipped");
                            });
            // Every pair is still scored (a distance that overflows is reported as NaN, no alert).
            assertThat(h.extractOutputValues()).hasSize(400);
        }
    }

    /** On the heap and in RocksDB: the state goes through the explicit serializer either way. */
    @ParameterizedTest(name = "rocksdb={0}")
    @ValueSource(booleans = {false, true})
    void snapshotRestoreContinuesIdentically(boolean rocksdb) throws Exception {
        TrainerSettings settings =
                new TrainerSettings(
                        learner(PairLabel.DIFFERENT, ThresholdPolicy.auto())
                                .withOptimizer(OptimizerConfig.of(OptimizerKind.ADAM, 0.01))
                                .withLoss(ContrastiveLoss.Form.COSINE, 0.1),
                        AlertMode.CHANGE,
                        50,
                        40);
        List<PairRecord> first = stream(8, 300, DIM);
        List<PairRecord> second = stream(9, 300, DIM);

        List<PairScore> straight;
        List<LossMetrics> straightMetrics;
        List<ChangeAlert> straightAlerts;
        try (var h = harness(settings, rocksdb)) {
            h.open();
            feed(h, first);
            h.extractOutputValues();
            int metricsBefore = side(h, OnlineContrastiveTrainer.METRICS).size();
            int alertsBefore = side(h, OnlineContrastiveTrainer.ALERTS).size();
            feed(h, second);
            List<PairScore> all = h.extractOutputValues();
            straight = all.subList(first.size(), all.size());
            List<LossMetrics> m = side(h, OnlineContrastiveTrainer.METRICS);
            straightMetrics = m.subList(metricsBefore, m.size());
            List<ChangeAlert> a = side(h, OnlineContrastiveTrainer.ALERTS);
            straightAlerts = a.subList(alertsBefore, a.size());
        }

        OperatorSubtaskState snapshot;
        try (var h = harness(settings, rocksdb)) {
            h.open();
            feed(h, first);
            snapshot = h.snapshot(1, 1);
        }
        try (var h = harness(settings, rocksdb)) {
            h.initializeState(snapshot);
            h.open();
            feed(h, second);
            assertThat(h.extractOutputValues()).isEqualTo(straight);
            assertThat(side(h, OnlineContrastiveTrainer.METRICS)).isEqualTo(straightMetrics);
            assertThat(side(h, OnlineContrastiveTrainer.ALERTS)).isEqualTo(straightAlerts);
        }
        assertThat(straightAlerts).isNotEmpty();
        assertThat(straightMetrics).isNotEmpty();
    }
}
