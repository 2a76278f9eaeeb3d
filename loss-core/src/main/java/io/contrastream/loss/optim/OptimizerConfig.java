package io.contrastream.loss.optim;

/**
 * The settings of an update rule, checked once on construction. Each rejected setting is named in
 * the message.
 *
 * @param kind the update rule
 * @param learningRate step size, finite and > 0
 * @param momentum momentum factor in [0, 1) (MOMENTUM only)
 * @param nesterov Nesterov's variant (MOMENTUM only)
 * @param beta1 first-moment decay in [0, 1) (ADAM only)
 * @param beta2 second-moment decay in [0, 1) (ADAM only)
 * @param epsilon denominator guard, finite and > 0 (ADAGRAD, ADAM)
 * @param weightDecay decoupled weight decay, finite and >= 0: each step first shrinks every
 *     parameter by the factor {@code 1 - learningRate * weightDecay}
 */
public record OptimizerConfig(
        OptimizerKind kind,
        double learningRate,
        double momentum,
        boolean nesterov,
        double beta1,
        double beta2,
        double epsilon,
        double weightDecay)
        implements java.io.Serializable {

    /**
     * PyTorch's defaults for the rule: momentum 0.9, betas (0.9, 0.999), eps 1e-8 (1e-10 Adagrad).
     */
    public static OptimizerConfig of(OptimizerKind kind, double learningRate) {
        double eps = kind == OptimizerKind.ADAGRAD ? 1e-10 : 1e-8;
        return new OptimizerConfig(kind, learningRate, 0.9, false, 0.9, 0.999, eps, 0.0);
    }

    /**
     * The step size each rule starts from when none is given, measured on the digits protocol
     * (QUALITY.md, MLP 64 -> 128 -> 32 with standardised inputs, clip 10, 200,000 pairs; {@code
     * QualitySweep}, README "Learning quality"): SGD 1e-2, momentum 1e-3 (momentum 0.9 makes steps
     * about ten times longer), Adagrad 1e-2, Adam 3e-4 (Adam's steps are about the rate whatever
     * the gradient's scale).
     */
    public static double defaultLearningRate(OptimizerKind kind) {
        switch (kind) {
            case SGD:
            case ADAGRAD:
                return 1e-2;
            case MOMENTUM:
                return 1e-3;
            case ADAM:
                return 3e-4;
            default:
                throw new IllegalStateException("unknown optimizer " + kind);
        }
    }

    /** Validates every setting. */
    public OptimizerConfig {
        if (kind == null) {
            throw new IllegalArgumentException("optimizer must be given");
        }
        requireFinite("learning-rate", learningRate, 0, false);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 must be in [0, 1), got " + beta1);
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 must be in [0, 1), got " + beta2);
        }
        requireFinite("epsilon", epsilon, 0, false);
        requireFinite("weight-decay", weightDecay, 0, true);
        if (nesterov && (kind != OptimizerKind.MOMENTUM || momentum == 0)) {
            throw new IllegalArgumentException(
                    "nesterov needs optimizer MOMENTUM with momentum > 0, got "
                            + kind
                            + " with momentum "
                            + momentum);
        }
    }

    private static void requireFinite(String name, double value, double bound, boolean inclusive) {
        boolean ok = Double.isFinite(value) && (inclusive ? value >= bound : value > bound);
        if (!ok) {
            throw new IllegalArgumentException(
                    name
                            + " must be finite and "
                            + (inclusive ? ">= " : "> ")
                            + bound
                            + ", got "
                            + value);
        }
    }

    /** A copy with another learning rate. */
    public OptimizerConfig withLearningRate(double rate) {
        return new OptimizerConfig(
                kind, rate, momentum, nesterov, beta1, beta2, epsilon, weightDecay);
    }

    /** A copy with another weight decay. */
    public OptimizerConfig withWeightDecay(double decay) {
        return new OptimizerConfig(
                kind, learningRate, momentum, nesterov, beta1, beta2, epsilon, decay);
    }

    /** A copy with Nesterov's variant switched on or off. */
    public OptimizerConfig withNesterov(boolean on) {
        return new OptimizerConfig(
                kind, learningRate, momentum, on, beta1, beta2, epsilon, weightDecay);
    }

    /** The update rule these settings describe. */
    public Optimizer create() {
        switch (kind) {
            case SGD:
                return new Sgd(weightDecay);
            case MOMENTUM:
                return new Momentum((float) momentum, nesterov, weightDecay);
            case ADAGRAD:
                return new Adagrad((float) epsilon, weightDecay);
            case ADAM:
                return new Adam(beta1, beta2, (float) epsilon, weightDecay);
            default:
                throw new IllegalStateException("unknown optimizer " + kind);
        }
    }
}
