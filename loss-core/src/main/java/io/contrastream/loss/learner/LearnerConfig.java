package io.contrastream.loss.learner;

import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.LearningRateSchedule;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.scale.Standardization;

/**
 * Everything that defines a model, except its input dimension (taken from the model's first event).
 * Checked once, on construction; each message names the setting.
 *
 * @param encoder the embedding function
 * @param lossForm Euclidean or cosine contrastive loss
 * @param margin the Euclidean margin {@code m}, or the cosine margin {@code eps}
 * @param positiveMargin SAME pairs are penalised only beyond it; 0 is the paper's form
 * @param optimizer the update rule
 * @param clipNorm the largest gradient norm applied; larger gradients are scaled down to it; {@code
 *     0} disables clipping
 * @param seed seeds the parameter initialisation
 * @param threshold how the decision threshold is chosen
 * @param positiveClass the label users look for (DIFFERENT for change detection, SAME for duplicate
 *     detection): precision, recall, F1 and the AUTO threshold are about it
 * @param drift the detector over the prequential loss
 * @param standardization the per-model input standardisation
 * @param schedule the learning rate of each update, from the optimiser's rate
 */
public record LearnerConfig(
        EncoderConfig encoder,
        ContrastiveLoss.Form lossForm,
        double margin,
        double positiveMargin,
        OptimizerConfig optimizer,
        double clipNorm,
        long seed,
        ThresholdPolicy threshold,
        PairLabel positiveClass,
        DriftPolicy drift,
        Standardization standardization,
        LearningRateSchedule schedule)
        implements java.io.Serializable {

    /** Validates every setting, and builds the loss once to check the margins. */
    public LearnerConfig {
        if (encoder == null) {
            throw new IllegalArgumentException("encoder must be given");
        }
        if (lossForm == null) {
            throw new IllegalArgumentException("loss must be given");
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must be given");
        }
        if (threshold == null || positiveClass == null || drift == null) {
            throw new IllegalArgumentException(
                    "threshold, positive class and drift policy must be given");
        }
        if (standardization == null) {
            throw new IllegalArgumentException("standardize must be given");
        }
        if (schedule == null) {
            throw new IllegalArgumentException("lr-schedule must be given");
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new IllegalArgumentException(
                    "clip-norm must be finite and >= 0 (0 disables clipping), got " + clipNorm);
        }
        try {
            buildLoss(lossForm, margin, positiveMargin);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * The reference configuration of the learning-quality protocol: linear 64 -> 32 with PyTorch's
     * initialisation, Euclidean loss with margin 2, plain SGD at 3e-4, no clipping; threshold at
     * margin / 2, ADWIN watching the loss; inputs as they come, the same rate for every update.
     */
    public static LearnerConfig reference(long seed) {
        return new LearnerConfig(
                new EncoderConfig(EncoderKind.LINEAR, 32, 0, false, Initialization.PYTORCH_UNIFORM),
                ContrastiveLoss.Form.EUCLIDEAN,
                2.0,
                0.0,
                OptimizerConfig.of(OptimizerKind.SGD, 3e-4),
                0.0,
                seed,
                ThresholdPolicy.marginHalf(),
                PairLabel.DIFFERENT,
                DriftPolicy.adwin(),
                Standardization.none(),
                LearningRateSchedule.constant());
    }

    /** The loss these settings describe. */
    public ContrastiveLoss loss() {
        return buildLoss(lossForm, margin, positiveMargin);
    }

    private static ContrastiveLoss buildLoss(
            ContrastiveLoss.Form form, double margin, double positiveMargin) {
        return form == ContrastiveLoss.Form.COSINE
                ? ContrastiveLoss.cosine(margin, positiveMargin)
                : ContrastiveLoss.euclidean(margin, positiveMargin);
    }

    /** A builder that starts from these settings. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy with another encoder. */
    public LearnerConfig withEncoder(EncoderConfig value) {
        return toBuilder().encoder(value).build();
    }

    /** A copy with another loss form and margin. */
    public LearnerConfig withLoss(ContrastiveLoss.Form form, double newMargin) {
        return toBuilder().loss(form, newMargin).build();
    }

    /** A copy with another optimiser. */
    public LearnerConfig withOptimizer(OptimizerConfig value) {
        return toBuilder().optimizer(value).build();
    }

    /** A copy with another clipping norm. */
    public LearnerConfig withClipNorm(double value) {
        return toBuilder().clipNorm(value).build();
    }

    /** A copy with another seed. */
    public LearnerConfig withSeed(long value) {
        return toBuilder().seed(value).build();
    }

    /** A copy with another threshold policy. */
    public LearnerConfig withThreshold(ThresholdPolicy value) {
        return toBuilder().threshold(value).build();
    }

    /** A copy with another drift policy. */
    public LearnerConfig withDrift(DriftPolicy value) {
        return toBuilder().drift(value).build();
    }

    /** A copy with another input standardisation. */
    public LearnerConfig withStandardization(Standardization value) {
        return toBuilder().standardization(value).build();
    }

    /** A copy with another learning-rate schedule. */
    public LearnerConfig withSchedule(LearningRateSchedule value) {
        return toBuilder().schedule(value).build();
    }

    /**
     * Settings gathered one at a time (from command-line flags, say) and checked together by {@link
     * #build()}, which names the first bad setting.
     */
    public static final class Builder {
        private EncoderConfig encoder;
        private ContrastiveLoss.Form lossForm;
        private double margin;
        private double positiveMargin;
        private OptimizerConfig optimizer;
        private double clipNorm;
        private long seed;
        private ThresholdPolicy threshold;
        private PairLabel positiveClass;
        private DriftPolicy drift;
        private Standardization standardization;
        private LearningRateSchedule schedule;

        private Builder(LearnerConfig from) {
            encoder = from.encoder;
            lossForm = from.lossForm;
            margin = from.margin;
            positiveMargin = from.positiveMargin;
            optimizer = from.optimizer;
            clipNorm = from.clipNorm;
            seed = from.seed;
            threshold = from.threshold;
            positiveClass = from.positiveClass;
            drift = from.drift;
            standardization = from.standardization;
            schedule = from.schedule;
        }

        /** The embedding function. */
        public Builder encoder(EncoderConfig value) {
            encoder = value;
            return this;
        }

        /** The loss form and its margin ({@code m}, or the cosine margin {@code eps}). */
        public Builder loss(ContrastiveLoss.Form form, double value) {
            lossForm = form;
            margin = value;
            return this;
        }

        /** The positive margin; 0 is the paper's form. */
        public Builder positiveMargin(double value) {
            positiveMargin = value;
            return this;
        }

        /** The update rule. */
        public Builder optimizer(OptimizerConfig value) {
            optimizer = value;
            return this;
        }

        /** The gradient-norm clip; 0 disables it. */
        public Builder clipNorm(double value) {
            clipNorm = value;
            return this;
        }

        /** The initialisation seed. */
        public Builder seed(long value) {
            seed = value;
            return this;
        }

        /** The threshold policy. */
        public Builder threshold(ThresholdPolicy value) {
            threshold = value;
            return this;
        }

        /** The label users look for. */
        public Builder positiveClass(PairLabel value) {
            positiveClass = value;
            return this;
        }

        /** The drift detector over the prequential loss. */
        public Builder drift(DriftPolicy value) {
            drift = value;
            return this;
        }

        /** The per-model input standardisation. */
        public Builder standardization(Standardization value) {
            standardization = value;
            return this;
        }

        /** The learning-rate schedule. */
        public Builder schedule(LearningRateSchedule value) {
            schedule = value;
            return this;
        }

        /**
         * The checked configuration.
         *
         * @throws IllegalArgumentException naming the first bad setting
         */
        public LearnerConfig build() {
            return new LearnerConfig(
                    encoder,
                    lossForm,
                    margin,
                    positiveMargin,
                    optimizer,
                    clipNorm,
                    seed,
                    threshold,
                    positiveClass,
                    drift,
                    standardization,
                    schedule);
        }
    }
}
