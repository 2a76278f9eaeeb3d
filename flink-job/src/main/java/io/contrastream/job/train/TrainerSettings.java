package io.contrastream.job.train;

import io.contrastream.loss.learner.LearnerConfig;
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
 */
public record TrainerSettings(
        LearnerConfig learner, AlertMode alertMode, long warmup, long metricsEvery, long maxModels)
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

    /** Settings with the default bound on models ({@link #DEFAULT_MAX_MODELS}). */
    public TrainerSettings(
            LearnerConfig learner, AlertMode alertMode, long warmup, long metricsEvery) {
        this(learner, alertMode, warmup, metricsEvery, DEFAULT_MAX_MODELS);
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
    }
}
