package io.contrastream.job.train;

import io.contrastream.job.export.ModelFile;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.learner.LearnerConfig;
import java.io.IOException;
import java.io.Serializable;

/**
 * How the trainer runs every model: the model settings new models are created with, and the
 * engine's settings around them. Checked once, on construction, naming the bad setting.
 *
 * @param learner the settings of every new model; its positive class must match the alert mode
 * @param alertMode change (alert above the threshold) or duplicate (below)
 * @param warmup labelled pairs a model must have learned from before it may alert (>= 0)
 * @param metricsEvery pairs of a model between two LossMetrics records (>= 1)
 * @param maxModels the most models one trainer subtask holds (>= 1); a pair of a new model past it
 *     is dead-lettered (MODEL_LIMIT) and creates nothing. Per subtask: a job at parallelism p holds
 *     at most p x maxModels, and fewer when keys are skewed across subtasks; after a rescale to
 *     fewer subtasks one may hold more than maxModels (it keeps them all and refuses new ones)
 * @param dedupeWindow event ids each model remembers to refuse a repeat (0 to {@value
 *     #MAX_DEDUPE_WINDOW}; 0 turns the check off)
 * @param snapshotEvery applied updates of a model between two model files on the models output (>=
 *     0; 0: only the final model, at the end of a bounded input)
 * @param initModel a model file ({@link ModelFile}) every new model starts from instead of its
 *     initialisation, or null; its encoder must be the one {@code learner} describes
 */
public record TrainerSettings(
        LearnerConfig learner,
        AlertMode alertMode,
        long warmup,
        long metricsEvery,
        long maxModels,
        int dedupeWindow,
        long snapshotEvery,
        byte[] initModel)
        implements Serializable {

    /** The default warm-up: 500 labelled pairs. */
    public static final long DEFAULT_WARMUP = 500;

    /** The default metrics period: 1000 pairs of a model. */
    public static final long DEFAULT_METRICS_EVERY = 1000;

    /**
     * The default bound on models per trainer subtask: 1,000. A model of the default configuration
     * (linear 64 -> 32, Adam) takes about 90 KB of heap on the heap backend (measured: README,
     * "Performance: engine"), so a flood of new model keys stops at about 90 MiB per subtask. A job
     * that means to hold more raises it together with the TaskManager heap, or uses RocksDB.
     */
    public static final long DEFAULT_MAX_MODELS = 1_000;

    /**
     * The default dedupe window: the last 1024 accepted event ids of each model (8 KiB of state per
     * model), enough to catch a producer's retries and a batch sent twice in a row.
     */
    public static final int DEFAULT_DEDUPE_WINDOW = 1024;

    /** The largest dedupe window: 16 Mi ids (128 MiB per model). */
    public static final int MAX_DEDUPE_WINDOW = 1 << 24;

    /**
     * Settings with the default bound on models, the default dedupe window and model files only at
     * the end of a bounded input.
     */
    public TrainerSettings(
            LearnerConfig learner, AlertMode alertMode, long warmup, long metricsEvery) {
        this(
                learner,
                alertMode,
                warmup,
                metricsEvery,
                DEFAULT_MAX_MODELS,
                DEFAULT_DEDUPE_WINDOW,
                0,
                null);
    }

    /** Settings whose new models start from their initialisation. */
    public TrainerSettings(
            LearnerConfig learner,
            AlertMode alertMode,
            long warmup,
            long metricsEvery,
            long maxModels,
            int dedupeWindow,
            long snapshotEvery) {
        this(
                learner,
                alertMode,
                warmup,
                metricsEvery,
                maxModels,
                dedupeWindow,
                snapshotEvery,
                null);
    }

    /** Validates the settings. */
    public TrainerSettings {
        if (learner == null) {
            throw new IllegalArgumentException("model settings must be given");
        }
        if (alertMode == null) {
            throw new IllegalArgumentException("alert-mode must be given");
        }
        if (learner.positiveClass() != alertMode.positiveClass()) {
            throw new IllegalArgumentException(
                    "alert-mode "
                            + alertMode
                            + " looks for "
                            + alertMode.positiveClass()
                            + " pairs but the model's positive class is "
                            + learner.positiveClass());
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("warmup must be >= 0, got " + warmup);
        }
        if (metricsEvery < 1) {
            throw new IllegalArgumentException("metrics-every must be >= 1, got " + metricsEvery);
        }
        if (maxModels < 1) {
            throw new IllegalArgumentException("max-models must be >= 1, got " + maxModels);
        }
        if (initModel != null) {
            initialModel(initModel, learner);
        }
        if (snapshotEvery < 0) {
            throw new IllegalArgumentException("snapshot-every must be >= 0, got " + snapshotEvery);
        }
        if (dedupeWindow < 0 || dedupeWindow > MAX_DEDUPE_WINDOW) {
            throw new IllegalArgumentException(
                    "dedupe-window must be between 0 and "
                            + MAX_DEDUPE_WINDOW
                            + ", got "
                            + dedupeWindow);
        }
    }

    /** The file {@code initModel}, checked against the job's encoder. */
    public ModelFile initialModel() {
        return initModel == null ? null : initialModel(initModel, learner);
    }

    private static ModelFile initialModel(byte[] file, LearnerConfig learner) {
        ModelFile model;
        try {
            model = ModelFile.read(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("init-from: " + e.getMessage(), e);
        }
        EncoderConfig theirs = model.encoderConfig();
        EncoderConfig ours = learner.encoder();
        if (theirs.kind() != ours.kind()
                || theirs.normalize() != ours.normalize()
                || (ours.kind() != EncoderKind.IDENTITY
                        && theirs.embeddingDim() != ours.embeddingDim())
                || (ours.kind() == EncoderKind.MLP && theirs.hiddenDim() != ours.hiddenDim())) {
            throw new IllegalArgumentException(
                    "init-from: the file's encoder is "
                            + describe(theirs)
                            + ", the job's (--encoder, --embedding-dim, --hidden-dim, --normalize)"
                            + " is "
                            + describe(ours));
        }
        return model;
    }

    private static String describe(EncoderConfig e) {
        return e.kind().name().toLowerCase(java.util.Locale.ROOT)
                + (e.kind() == EncoderKind.IDENTITY ? "" : " to " + e.embeddingDim())
                + (e.kind() == EncoderKind.MLP ? " through " + e.hiddenDim() + " hidden" : "")
                + (e.normalize() ? ", normalised" : "");
    }
}
