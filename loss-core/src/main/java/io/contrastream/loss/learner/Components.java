package io.contrastream.loss.learner;

import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.drift.AdwinDetector;
import io.contrastream.loss.drift.DriftDetector;
import io.contrastream.loss.drift.PageHinkleyDetector;
import io.contrastream.loss.eval.FixedThreshold;
import io.contrastream.loss.eval.OnlineThresholdCalibrator;
import io.contrastream.loss.eval.PrequentialWindow;
import io.contrastream.loss.eval.ThresholdCalibrator;
import java.io.DataInput;
import java.io.DataOutput;

/** Builds a learner's calibrator, drift detector and window from its configuration. */
final class Components {

    /**
     * Page-Hinkley without fading (alpha = 1): with River's alpha below 1, a loss that falls
     * sharply (as it does while a new model learns) later raises a false "increase" alarm.
     */
    static final double PAGE_HINKLEY_ALPHA = 1.0;

    /** Observations before Page-Hinkley may fire: River's default. */
    static final int PAGE_HINKLEY_MIN_INSTANCES = 30;

    private Components() {}

    static ThresholdCalibrator calibrator(LearnerConfig config, ContrastiveLoss loss) {
        FixedThreshold marginHalf = FixedThreshold.marginHalf(loss.negativeMarginDissimilarity());
        switch (config.threshold().mode()) {
            case FIXED:
                return new FixedThreshold(config.threshold().value());
            case MARGIN_HALF:
                return marginHalf;
            case AUTO:
                return new OnlineThresholdCalibrator(
                        OnlineThresholdCalibrator.Objective.f1(config.positiveClass()),
                        marginHalf.threshold());
            default:
                throw new IllegalStateException("unknown threshold mode " + config.threshold());
        }
    }

    static DriftDetector driftDetector(DriftPolicy policy) {
        switch (policy.kind()) {
            case NONE:
                return new NoDrift();
            case PAGE_HINKLEY:
                return new PageHinkleyDetector(
                        policy.delta(),
                        policy.lambda(),
                        PAGE_HINKLEY_ALPHA,
                        PAGE_HINKLEY_MIN_INSTANCES);
            case ADWIN:
                return new AdwinDetector(policy.delta());
            default:
                throw new IllegalStateException("unknown drift detector " + policy);
        }
    }

    static PrequentialWindow window(LearnerConfig config, ContrastiveLoss loss) {
        return new PrequentialWindow(config.positiveClass(), loss.negativeMarginDissimilarity());
    }

    /** The detector of {@link DriftPolicy.Kind#NONE}: never fires, has no state. */
    static final class NoDrift implements DriftDetector {
        @Override
        public boolean update(double x) {
            return false;
        }

        @Override
        public boolean lastChangeWasIncrease() {
            return false;
        }

        @Override
        public long detections() {
            return 0;
        }

        @Override
        public void reset() {}

        @Override
        public void writeState(DataOutput out) {}

        @Override
        public void readState(DataInput in) {}
    }
}
