package io.contrastream.loss;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Loss values against an independent reference: the published formulas, recomputed here in plain
 * double loops (the form of the numpy reference: {@code d = sqrt(sum (a - b)^2 + 1e-8)}). Relative
 * tolerance 1e-6 as the issue asks; where the reference is 0 (an inactive hinge), the loss must be
 * exactly 0.
 */
class ContrastiveLossTest {

    private static final double REL = 1e-6;

    private static double refEuclidean(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        }
        return Math.sqrt(s + 1e-8);
    }

    private static double refCosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** Hadsell et al. with y = 1 for similar: 1/2 [y d^2 + (1 - y) max(0, m - d)^2]. */
    private static double refHadsell(double y, double d, double m) {
        return 0.5 * (y * d * d + (1 - y) * Math.pow(Math.max(0, m - d), 2));
    }

    private static double refCosineLoss(double y, double s, double eps) {
        return 0.5 * (y * (1 - s) * (1 - s) + (1 - y) * Math.pow(Math.max(0, s - eps), 2));
    }

    private static void assertRelative(double actual, double expected) {
        if (expected == 0) {
            assertThat(actual).isEqualTo(0.0);
        } else {
            assertThat(Math.abs(actual - expected) / Math.abs(expected)).isLessThanOrEqualTo(REL);
        }
    }

    private static double lossOf(ContrastiveLoss loss, float[] a, float[] b, PairLabel label) {
        float[] ga = new float[a.length];
        float[] gb = new float[b.length];
        return loss.lossAndGradient(a, b, label, ga, gb);
    }

    @Test
    void euclideanAtZeroDistance() {
        ContrastiveLoss loss = ContrastiveLoss.euclidean(2.0, 0);
        float[] a = {0.3f, -1.2f, 4f};
        double d = refEuclidean(a, a); // sqrt(1e-8) = 1e-4: the smoothing keeps d above zero
        assertThat(d).isCloseTo(1e-4, within(1e-12));
        assertRelative(lossOf(loss, a, a.clone(), PairLabel.SAME), refHadsell(1, d, 2));
        assertRelative(lossOf(loss, a, a.clone(), PairLabel.DIFFERENT), refHadsell(0, d, 2));
    }

    @Test
    void euclideanAtTheMargin() {
        ContrastiveLoss loss = ContrastiveLoss.euclidean(2.0, 0);
        assertThat(loss.loss(PairLabel.DIFFERENT, 2.0)).isEqualTo(0.0);
        assertThat(loss.derivative(PairLabel.DIFFERENT, 2.0)).isEqualTo(0.0);
        assertRelative(loss.loss(PairLabel.SAME, 2.0), refHadsell(1, 2.0, 2.0));
        // Vectors whose distance is the margin up to float rounding: the hinge is (nearly) closed.
        float[] a = {0f, 0f};
        float[] b = {1.2f, 1.6f}; // |a - b| = 2
        double d = refEuclidean(a, b);
        assertRelative(lossOf(loss, a, b, PairLabel.SAME), refHadsell(1, d, 2));
        assertThat(lossOf(loss, a, b, PairLabel.DIFFERENT))
                .isCloseTo(refHadsell(0, d, 2), within(1e-12));
    }

    @Test
    void euclideanInsideAndBeyondTheMargin() {
        ContrastiveLoss loss = ContrastiveLoss.euclidean(2.0, 0);
        float[] a = {0.5f, -0.25f, 1f, 0f};
        float[] near = {0.1f, 0.2f, 0.7f, -0.3f};
        float[] far = {3f, 2f, -1f, 1f};
        for (float[] b : new float[][] {near, far}) {
            double d = refEuclidean(a, b);
            assertRelative(lossOf(loss, a, b, PairLabel.SAME), refHadsell(1, d, 2));
            assertRelative(lossOf(loss, a, b, PairLabel.DIFFERENT), refHadsell(0, d, 2));
        }
        assertThat(refEuclidean(a, far)).isGreaterThan(2.0);
        assertThat(lossOf(loss, a, far, PairLabel.DIFFERENT)).isEqualTo(0.0);
    }

    @Test
    void positiveMarginForgivesCloseSamePairs() {
        ContrastiveLoss loss = ContrastiveLoss.euclidean(2.0, 0.5);
        assertThat(loss.loss(PairLabel.SAME, 0.4)).isEqualTo(0.0);
        assertRelative(loss.loss(PairLabel.SAME, 1.5), 0.5 * 1.0 * 1.0);
        assertRelative(loss.derivative(PairLabel.SAME, 1.5), 1.0);
        // Negatives are unaffected by the positive margin.
        assertRelative(loss.loss(PairLabel.DIFFERENT, 1.5), refHadsell(0, 1.5, 2));
    }

    @Test
    void cosineForm() {
        double eps = 0.2;
        ContrastiveLoss loss = ContrastiveLoss.cosine(eps, 0);
        float[] a = {1f, 2f, -0.5f};
        float[][] others = {{1.1f, 1.9f, -0.4f}, {-1f, 0.5f, 2f}, {0.2f, 2f, 3f}};
        for (float[] b : others) {
            double s = refCosine(a, b);
            assertRelative(lossOf(loss, a, b, PairLabel.SAME), refCosineLoss(1, s, eps));
            assertRelative(lossOf(loss, a, b, PairLabel.DIFFERENT), refCosineLoss(0, s, eps));
        }
    }

    @Test
    void cosineAtTheCosineMargin() {
        double eps = 0.2;
        ContrastiveLoss loss = ContrastiveLoss.cosine(eps, 0);
        assertThat(loss.loss(PairLabel.DIFFERENT, eps)).isEqualTo(0.0);
        assertThat(loss.derivative(PairLabel.DIFFERENT, eps)).isEqualTo(0.0);
        assertRelative(loss.loss(PairLabel.SAME, eps), refCosineLoss(1, eps, eps));
        // Unit vectors at similarity eps, up to float rounding.
        float[] a = {1f, 0f};
        float[] b = {(float) eps, (float) Math.sqrt(1 - eps * eps)};
        double s = refCosine(a, b);
        assertThat(s).isCloseTo(eps, within(1e-7));
        assertRelative(lossOf(loss, a, b, PairLabel.SAME), refCosineLoss(1, s, eps));
        assertThat(lossOf(loss, a, b, PairLabel.DIFFERENT))
                .isCloseTo(refCosineLoss(0, s, eps), within(1e-14));
    }

    @Test
    void cosineOfAZeroVectorIsZeroWithZeroGradient() {
        ContrastiveLoss loss = ContrastiveLoss.cosine(-0.5, 0);
        float[] zero = {0f, 0f, 0f};
        float[] b = {1f, 2f, 3f};
        float[] ga = new float[3];
        float[] gb = new float[3];
        double l = loss.lossAndGradient(zero, b, PairLabel.SAME, ga, gb);
        assertRelative(l, refCosineLoss(1, 0, -0.5)); // s = 0: the SAME pair sits at 1 - s = 1
        assertThat(ga).containsOnly(0f);
        assertThat(gb).containsOnly(0f);
    }

    @Test
    void derivativeSignsFollowTheForm() {
        ContrastiveLoss euclidean = ContrastiveLoss.euclidean(2.0, 0);
        assertThat(euclidean.derivative(PairLabel.SAME, 1.0)).isEqualTo(1.0); // pull: d shrinks
        assertThat(euclidean.derivative(PairLabel.DIFFERENT, 1.0)).isEqualTo(-1.0); // push
        ContrastiveLoss cosine = ContrastiveLoss.cosine(0.2, 0);
        // SAME at s = 0.5: L = 1/2 (1 - s)^2, dL/ds = -(1 - s)
        assertThat(cosine.derivative(PairLabel.SAME, 0.5)).isCloseTo(-0.5, within(1e-15));
        // DIFFERENT at s = 0.5: L = 1/2 (s - 0.2)^2, dL/ds = s - 0.2
        assertThat(cosine.derivative(PairLabel.DIFFERENT, 0.5)).isCloseTo(0.3, within(1e-15));
    }

    @Test
    void badMarginsAreNamed() {
        assertThatThrownBy(() -> ContrastiveLoss.euclidean(0, 0)).hasMessageContaining("margin");
        assertThatThrownBy(() -> ContrastiveLoss.euclidean(1, -0.1))
                .hasMessageContaining("positive margin");
        assertThatThrownBy(() -> ContrastiveLoss.cosine(1.0, 0))
                .hasMessageContaining("cosine margin");
    }
}
