package io.contrastream.job.train;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.export.ModelFile;
import io.contrastream.job.io.DeadLetters;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.model.ImmutableFieldsAvroTypeInfo;
import io.contrastream.job.model.ModelState;
import io.contrastream.job.model.ModelStateSerializer;
import io.contrastream.job.model.OutputRecords;
import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.RecentEventIds;
import io.contrastream.job.model.SerializerTypeInfo;
import io.contrastream.loss.eval.PrequentialWindow;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.learner.PairResult;
import io.contrastream.loss.learner.UpdateOutcome;
import io.contrastream.loss.simd.VectorKernels;
import io.contrastream.schema.AlertKind;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DeadLetterReason;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairScore;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keyed operator: one {@link OnlineLearner} per model key, applied to that model's pairs one at
 * a time, in arrival order.
 *
 * <p>Per pair: the model is created from the job's settings on its first pair (input dimension from
 * that pair); a pair of another dimension, or whose event id is among the model's last {@code
 * dedupeWindow} accepted ones, is dead-lettered and touches nothing. Otherwise the pair is scored
 * with the model as it stood (prequential), a labelled pair then updates it, and:
 *
 * <ul>
 *   <li>main output: a {@link PairScore} for every accepted pair;
 *   <li>{@link #ALERTS}: a CHANGE or DUPLICATE {@link ChangeAlert} when the alert mode's test holds
 *       and the model has learned from at least {@code warmup} pairs; a DRIFT alert when the drift
 *       detector over the prequential loss fires (after warm-up too); an UPDATES_SKIPPED alert at
 *       the first labelled update of a metrics window that the learner refused as non-finite (warm
 *       or not: it says the settings are wrong, typically the learning rate);
 *   <li>{@link #METRICS}: a {@link LossMetrics} after every {@code metricsEvery} pairs of a model,
 *       and once more at the end of a bounded input for a window still open;
 *   <li>{@link #MODELS}: the model as a safetensors file every {@code snapshotEvery} applied
 *       updates, and at the end of a bounded input;
 *   <li>{@link #DEAD_LETTERS}: pairs this operator refuses: DIMENSION_MISMATCH, DUPLICATE_EVENT,
 *       and MODEL_LIMIT for a pair of a new model once this subtask holds {@code maxModels} models
 *       (the pair creates nothing; existing models go on learning).
 * </ul>
 *
 * <p>Distances in the outputs are dissimilarities: the Euclidean distance, or {@code 1 - s} for the
 * cosine loss (whose similarity {@code s} is given beside it); thresholds are in the same units.
 * The state is one {@link ModelState} per key with an explicit serializer; it runs inside a {@link
 * TrainerOperator} ({@link #operator}), which decides where the models live between pairs.
 */
public final class OnlineContrastiveTrainer
        extends KeyedProcessFunction<String, PairRecord, PairScore> {

    private static final Logger LOG = LoggerFactory.getLogger(OnlineContrastiveTrainer.class);

    private static final long serialVersionUID = 1L;

    /** Loss metrics per model. */
    public static final OutputTag<LossMetrics> METRICS =
            new OutputTag<>("metrics", new AvroTypeInfo<>(LossMetrics.class));

    /** Change, duplicate and drift alerts. */
    public static final OutputTag<ChangeAlert> ALERTS =
            new OutputTag<>(
                    "alerts",
                    new ImmutableFieldsAvroTypeInfo<>(ChangeAlert.class, OutputRecords::copy));

    /** Pairs refused by the trainer. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("trainer-dead-letters", new AvroTypeInfo<>(DeadLetter.class));

    /**
     * Model files ({@link ModelFile}, safetensors): every {@code snapshotEvery} applied updates of
     * a model, and each model's final state at the end of a bounded input.
     */
    public static final OutputTag<byte[]> MODELS =
            new OutputTag<>("models", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private final TrainerSettings settings;
    private final SourceInfo source;
    private final WireFormat format;

    private transient ModelStore models;
    private transient long heldModels;
    private transient PairEventEncoder reencoder;
    private transient ModelFile initialModel;
    private transient Counter events;
    private transient Counter updates;
    private transient Counter skippedUpdates;
    private transient Counter alerts;
    private transient Counter deadLetters;
    private transient Counter modelsCreated;
    private transient Histogram lossHistogram;
    private transient Histogram distanceHistogram;
    private transient ModelMetricGroups modelMetrics;
    private transient FourDecimals fourDecimals;
    private transient StringBuilder detail;

    /**
     * @param source where the pairs come from, for dead letters
     * @param format the job's wire format, in which refused pairs are re-encoded
     */
    public OnlineContrastiveTrainer(
            TrainerSettings settings, SourceInfo source, WireFormat format) {
        this.settings = settings;
        this.source = source;
        this.format = format;
    }

    /** This trainer inside the operator that runs it, with the default working-copy budget. */
    public TrainerOperator operator() {
        return new TrainerOperator(this);
    }

    /** The descriptor of the keyed model state, with its explicit serializer. */
    public static ValueStateDescriptor<ModelState> stateDescriptor() {
        return new ValueStateDescriptor<>(
                "model", new SerializerTypeInfo<>(ModelState.class, ModelStateSerializer.INSTANCE));
    }

    /**
     * Called by {@link TrainerOperator} before {@link #open}: where the models are, and how many
     * this subtask already holds.
     */
    void attach(ModelStore store, long held) {
        this.models = store;
        this.heldModels = held;
    }

    @Override
    public void open(OpenContext openContext) {
        if (models == null) {
            throw new IllegalStateException(
                    "OnlineContrastiveTrainer runs inside its TrainerOperator (operator())");
        }
        LOG.info(
                "trainer {}: kernels {}",
                getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks(),
                VectorKernels.describe());
        reencoder = new PairEventEncoder(format);
        fourDecimals = new FourDecimals();
        detail = new StringBuilder(64);
        initialModel = settings.initialModel();
        MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("contrastream");
        events = group.counter("events");
        updates = group.counter("updates");
        skippedUpdates = group.counter("skipped_updates");
        alerts = group.counter("alerts");
        deadLetters = group.counter("trainer_dead_letters");
        modelsCreated = group.counter("models_created");
        lossHistogram = group.histogram("loss", new DescriptiveStatisticsHistogram(1000));
        distanceHistogram = group.histogram("distance", new DescriptiveStatisticsHistogram(1000));
        modelMetrics = new ModelMetricGroups(group, settings.maxModels());
    }

    @Override
    public void processElement(PairRecord pair, Context ctx, Collector<PairScore> out)
            throws Exception {
        ModelState state = models.value();
        int dim = pair.left().length;
        if (state == null) {
            if (heldModels >= settings.maxModels()) {
                refuse(
                        ctx,
                        pair,
                        DeadLetterReason.MODEL_LIMIT,
                        "model '"
                                + pair.model()
                                + "' is new and this trainer subtask already holds "
                                + heldModels
                                + " models (max-models "
                                + settings.maxModels()
                                + ")");
                return;
            }
            OnlineLearner learner;
            if (initialModel == null) {
                learner = OnlineLearner.create(settings.learner(), dim);
            } else if (initialModel.inputDim() == dim) {
                // The file's standardisation (or none, for raw inputs) is pinned with its weights.
                double[][] standard = initialModel.standardization();
                learner =
                        OnlineLearner.createFrom(
                                settings.learner(),
                                dim,
                                initialModel.parameters(),
                                standard == null ? null : standard[0],
                                standard == null ? null : standard[1]);
            } else {
                refuse(
                        ctx,
                        pair,
                        DeadLetterReason.DIMENSION_MISMATCH,
                        "features have "
                                + dim
                                + " values; new models start from --init-from model '"
                                + initialModel.model()
                                + "', which expects "
                                + initialModel.inputDim());
                return;
            }
            state = new ModelState(learner, settings.dedupeWindow());
            heldModels++;
            modelsCreated.inc();
            // Fires once a bounded input ends (its final watermark), for the last metrics.
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
        } else if (state.learner().inputDim() != dim) {
            refuse(
                    ctx,
                    pair,
                    DeadLetterReason.DIMENSION_MISMATCH,
                    "features have "
                            + dim
                            + " values, model '"
                            + pair.model()
                            + "' expects "
                            + state.learner().inputDim());
            return;
        }
        RecentEventIds recent = state.recentEventIds(settings.dedupeWindow());
        long fingerprint = RecentEventIds.fingerprint(pair.eventId());
        if (recent.contains(fingerprint)) {
            refuse(
                    ctx,
                    pair,
                    DeadLetterReason.DUPLICATE_EVENT,
                    "event_id '"
                            + pair.eventId()
                            + "' is among the last "
                            + recent.capacity()
                            + " accepted by model '"
                            + pair.model()
                            + "'");
            return;
        }
        recent.add(fingerprint);
        OnlineLearner learner = state.learner();
        PairResult r = learner.process(pair.left(), pair.right(), pair.label());
        if (r.outcome() == UpdateOutcome.APPLIED && learner.modelVersion() == settings.warmup()) {
            // The learning curve of a new model is no baseline for drift: start watching now.
            learner.restartDriftDetection();
        }
        state.include(pair.eventTime());
        events.inc();
        distanceHistogram.update(Math.round(r.dissimilarity() * 1e6));
        if (pair.label() != null) {
            if (r.outcome() == UpdateOutcome.APPLIED) {
                updates.inc();
            } else {
                skippedUpdates.inc();
            }
            if (Double.isFinite(r.loss())) {
                lossHistogram.update(Math.round(r.loss() * 1e6));
            }
        }
        // Warm means the model that scored this pair had learned from enough pairs.
        boolean warm = r.modelVersion() >= settings.warmup();
        boolean alert =
                warm
                        && Double.isFinite(r.dissimilarity())
                        && settings.alertMode().alerts(r.dissimilarity(), r.threshold());
        out.collect(score(pair, r, alert));
        if (alert) {
            emitAlert(ctx, state, pair, r, settings.alertMode().kind(), pairDetail(r));
        }
        if (r.driftDetected() && warm) {
            emitAlert(
                    ctx,
                    state,
                    pair,
                    r,
                    AlertKind.DRIFT,
                    "drift detector ("
                            + settings.learner().drift().kind()
                            + ") fired on the prequential loss; detections so far: "
                            + learner.driftDetections());
        }
        if (r.outcome().skipped() && learner.window().skippedUpdateCount() == 1) {
            emitAlert(
                    ctx,
                    state,
                    pair,
                    r,
                    AlertKind.UPDATES_SKIPPED,
                    "labelled update skipped ("
                            + r.outcome()
                            + "): the model is unchanged; check the learning rate. Further skips"
                            + " in this metrics window are counted in its skipped_updates;"
                            + " skipped so far: "
                            + learner.updatesSkipped()
                            + " of "
                            + learner.labelledEvents()
                            + " labelled pairs");
        }
        if (learner.events() % settings.metricsEvery() == 0) {
            ctx.output(METRICS, modelMetrics.report(metrics(pair.model(), state)));
            state.resetWindow();
        }
        if (r.outcome() == UpdateOutcome.APPLIED
                && settings.snapshotEvery() > 0
                && learner.modelVersion() % settings.snapshotEvery() == 0) {
            ctx.output(MODELS, ModelFile.write(pair.model(), learner));
        }
        models.update(state);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PairScore> out)
            throws Exception {
        ModelState state = models.value();
        // A window of unscored pairs only (distances that overflowed) still reports its skips.
        if (state != null
                && (state.learner().window().count() > 0
                        || state.learner().window().skippedUpdateCount() > 0)) {
            ctx.output(METRICS, modelMetrics.report(metrics(ctx.getCurrentKey(), state)));
            state.resetWindow();
            models.update(state);
        }
        if (state != null && !snapshotWritten(state.learner().modelVersion())) {
            // The end of a bounded input: the final model, unless its version went out already.
            ctx.output(MODELS, ModelFile.write(ctx.getCurrentKey(), state.learner()));
        }
    }

    /**
     * Whether the snapshot of {@code version} was written when the update that reached it was
     * applied (so the end of input does not write it twice: each version once on the models
     * output).
     */
    private boolean snapshotWritten(long version) {
        return settings.snapshotEvery() > 0
                && version > 0
                && version % settings.snapshotEvery() == 0;
    }

    /** Sends {@code pair} to the dead letters with its reason; it touches no model. */
    private void refuse(Context ctx, PairRecord pair, DeadLetterReason reason, String message) {
        deadLetters.inc();
        ctx.output(
                DEAD_LETTERS,
                DeadLetters.of(
                        reason,
                        message,
                        source,
                        pair,
                        reencoder.encode(pair),
                        ctx.timerService().currentProcessingTime()));
    }

    private static PairScore score(PairRecord pair, PairResult r, boolean alert) {
        // Setters on an empty record: the all-args constructor's record without boxing the
        // primitive fields or truncating an event time of whole milliseconds (every field is set).
        PairScore score = new PairScore();
        score.setEventId(pair.eventId());
        score.setModel(pair.model());
        score.setLeftId(pair.leftId());
        score.setRightId(pair.rightId());
        score.setDistance(r.dissimilarity());
        score.setSimilarity(Double.isNaN(r.similarity()) ? null : r.similarity());
        score.setLabel(PairEventEncoder.toAvro(pair.label()));
        score.setLoss(Double.isNaN(r.loss()) ? null : r.loss());
        score.setThreshold(r.threshold());
        score.setAlert(alert);
        score.setModelVersion(r.modelVersion());
        OutputRecords.setEventTime(score, pair.eventTime());
        return score;
    }

    /** {@code String.format("distance %.4f %s threshold %.4f", ...)}, without its Formatter. */
    private String pairDetail(PairResult r) {
        StringBuilder sb = detail;
        sb.setLength(0);
        sb.append("distance ");
        fourDecimals.append(sb, r.dissimilarity());
        sb.append(settings.alertMode() == AlertMode.CHANGE ? " > " : " < ");
        sb.append("threshold ");
        fourDecimals.append(sb, r.threshold());
        return sb.toString();
    }

    private void emitAlert(
            Context ctx,
            ModelState state,
            PairRecord pair,
            PairResult r,
            AlertKind kind,
            String detail) {
        alerts.inc();
        modelMetrics.alert(pair.model());
        boolean drift = kind == AlertKind.DRIFT || kind == AlertKind.UPDATES_SKIPPED;
        ChangeAlert alert = new ChangeAlert();
        alert.setAlertId(pair.model() + "/" + state.nextAlert());
        alert.setKind(kind);
        alert.setModel(pair.model());
        alert.setEventId(drift ? null : pair.eventId());
        alert.setLeftId(drift ? null : pair.leftId());
        alert.setRightId(drift ? null : pair.rightId());
        alert.setDistance(drift ? null : r.dissimilarity());
        alert.setThreshold(drift ? null : r.threshold());
        alert.setModelVersion(r.modelVersion());
        OutputRecords.setEventTime(alert, pair.eventTime());
        alert.setDetail(detail);
        ctx.output(ALERTS, alert);
    }

    private static LossMetrics metrics(String model, ModelState state) {
        OnlineLearner learner = state.learner();
        PrequentialWindow w = learner.window();
        return LossMetrics.newBuilder()
                .setModel(model)
                .setModelVersion(learner.modelVersion())
                .setWindowStart(Instant.ofEpochMilli(state.windowStart()))
                .setWindowEnd(Instant.ofEpochMilli(state.windowEnd()))
                .setCount(w.count())
                .setLabelledCount(w.labelledCount())
                .setMeanLoss(orNull(w.meanLoss()))
                .setMeanPositiveDistance(orNull(w.meanSameDissimilarity()))
                .setMeanNegativeDistance(orNull(w.meanDifferentDissimilarity()))
                .setActiveNegativeFraction(orNull(w.activeNegativeFraction()))
                .setAccuracy(orNull(w.accuracy()))
                .setPrecision(orNull(w.precision()))
                .setRecall(orNull(w.recall()))
                .setF1(orNull(w.f1()))
                .setRocAuc(orNull(w.auc()))
                .setRocAucErrorBound(orNull(w.aucErrorBound()))
                .setThreshold(learner.threshold())
                .setMeanGradientNorm(orNull(w.meanGradientNorm()))
                .setParameterNorm(learner.parameterNorm())
                .setSkippedUpdates(w.skippedUpdateCount())
                .build();
    }

    private static Double orNull(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
