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
 */
public record TrainerSettings(
        LearnerConfig learner, AlertMode alertMode, long warmup, long metricsEvery)
        implements Serializable {

    /** The default warm-up: 500 labelled pairs. */
    public static final long DEFAULT_WARMUP = 500;

    /** The default metrics period: 1000 pairs of a model. */
    public static final long DEFAULT_METRICS_EVERY = 1000;

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
    }
}
