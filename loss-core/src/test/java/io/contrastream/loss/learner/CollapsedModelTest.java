package io.contrastream.loss.learner;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A model fed SAME pairs only collapses: plain SGD drives {@code f(x1) - f(x2)}, and with it the
 * gradient, to 0 geometrically. Past {@link OnlineLearner#NEGLIGIBLE_STEP} the steps are no longer
 * taken, so the weights stop shrinking while they are still normal floats; without that rule they
 * go on into subnormal floats (slow on x86 for every later pair). Both SGD paths: the fused linear
 * kernel and the general two-sided path, on the same model. Its biases start at 0 (Xavier): with a
 * bias of ordinary size the general path's two embeddings are each rounded at the bias's scale,
 * their difference cannot fall below that rounding, and the collapse stops there by itself.
 */
class CollapsedModelTest {

    private static final int DIM = 16;

    private static final LearnerConfig CONFIG =
            LearnerConfig.reference(3)
                    .withEncoder(
                            new EncoderConfig(
                                    EncoderKind.LINEAR, 8, 0, false, Initialization.XAVIER_UNIFORM))
                    .withOptimizer(OptimizerConfig.of(OptimizerKind.SGD, 0.05));

    @Test
    void fusedLinearSgdStopsBeforeSubnormalWeights() {
        assertCollapsesToNormalFloats(false);
    }

    @Test
    void generalPathSgdStopsBeforeSubnormalWeights() {
        assertCollapsesToNormalFloats(true);
    }

    /**
     * Feeds SAME pairs only, then checks that the model collapsed (the gradient is far below any
     * useful size) and that no parameter is a subnormal float. Without the rule both paths end with
     * most of their weights subnormal.
     */
    private static void assertCollapsesToNormalFloats(boolean general) {
        OnlineLearner learner = OnlineLearner.create(CONFIG, DIM);
        learner.forceGeneralPath = general;
        SplittableRandom random = new SplittableRandom(17);
        float[][] left = new float[512][DIM];
        float[][] right = new float[512][DIM];
        for (int j = 0; j < left.length; j++) {
            for (int i = 0; i < DIM; i++) {
                left[j][i] = (float) random.nextGaussian();
                right[j][i] = (float) random.nextGaussian();
            }
        }
        PairResult last = null;
        for (int n = 0; n < 200_000; n++) {
            int j = n % left.length;
            last = learner.process(left[j], right[j], PairLabel.SAME);
        }
        assertThat(last.gradientNorm()).isLessThan(1e-20);
        assertThat(subnormals(learner.parametersCopy())).isZero();
    }

    private static int subnormals(float[] values) {
        int count = 0;
        for (float v : values) {
            if (v != 0f && Math.abs(v) < Float.MIN_NORMAL) {
                count++;
            }
        }
        return count;
    }
}
