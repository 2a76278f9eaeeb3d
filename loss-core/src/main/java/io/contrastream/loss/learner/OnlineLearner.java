package io.contrastream.loss.learner;

import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.distance.Distance;
import io.contrastream.loss.distance.EuclideanDistance;
import io.contrastream.loss.drift.DriftDetector;
import io.contrastream.loss.encoder.Activations;
import io.contrastream.loss.encoder.Encoder;
import io.contrastream.loss.encoder.LinearEncoder;
import io.contrastream.loss.encoder.MlpEncoder;
import io.contrastream.loss.eval.PrequentialWindow;
import io.contrastream.loss.eval.ThresholdCalibrator;
import io.contrastream.loss.optim.LearningRateSchedule;
import io.contrastream.loss.optim.Optimizer;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.optim.StepBounds;
import io.contrastream.loss.scale.InputStandardizer;
import io.contrastream.loss.simd.VectorKernels;
import java.util.Arrays;

/**
 * One model, learning from one pair at a time: prequential (test-then-train) scoring, one
 * contrastive-loss update per labelled pair, and the model's own threshold calibrator, drift
 * detector and metrics window.
 *
 * <p>Per pair, {@link #process} (or {@link #learn}) does, in order:
 *
 * <ol>
 *   <li>checks both feature vectors (length and finiteness), throwing before anything changes;
 *   <li>standardises both items when the configuration asks for it ({@link InputStandardizer}); a
 *       labelled pair's items first join the running statistics (features only: the label plays no
 *       part, so scoring stays prequential), an unlabelled pair's never do;
 *   <li>scores the pair with the model as it stands ({@link #score} alone does only this and
 *       changes nothing);
 *   <li>for a labelled pair: computes the loss and its gradient, clips it to the configured norm,
 *       and applies one optimiser step at the rate the schedule gives for this update. A NaN or
 *       infinite loss or gradient skips the step; a step that would make any parameter or optimiser
 *       state non-finite is rolled back. Either way the model is unchanged and the outcome says
 *       why: parameters never become NaN or infinite;
 *   <li>feeds the pair's prequential dissimilarity and label to the calibrator, its loss to the
 *       drift detector (which reports only rises of the loss), and everything to the metrics
 *       window. A pair whose distance is NaN or infinite (embeddings that overflowed float) is
 *       counted in {@link #nonFiniteScores()} and goes no further: a labelled one counts as a
 *       skipped update.
 * </ol>
 *
 * <p>Nothing is allocated per call: results come back in one reused {@link PairResult}. Not
 * thread-safe; one learner per model, driven by one thread (in the engine, one key of a keyed
 * operator).
 *
 * <p>An encoder without parameters (identity) learns only its threshold: its updates count as
 * applied and change nothing else.
 *
 * <p>A linear encoder (not normalised) under the Euclidean loss takes a fused path ({@link
 * LinearEuclideanKernel}): one matrix-vector product on {@code x1 - x2} instead of two forwards and
 * two backwards, and under plain SGD without weight decay a rank-1 update of {@code W} in one pass
 * with no gradient buffer and no backup copy when a bound shows the step cannot overflow; that
 * update is written lazily, in the same pass over {@code W} as the next pair's product (every other
 * reader of the parameters settles it first, with the same bits). Its results equal the general
 * path's up to float rounding. Because the bias cancels, the fused path scores a pair whose
 * separate embeddings would overflow float but whose difference does not.
 *
 * <p>An MLP (not normalised) under the Euclidean loss and plain SGD without weight decay takes a
 * fused path too ({@link MlpEuclideanKernel}): both hidden layers from one pass over {@code W1},
 * {@code e = W2 (h1 - h2)} (the output bias cancels), the gradient's norm from double products
 * without forming the gradient, and SGD written into the weights (the first layer's rank-2 update
 * lazily, in the next pair's pass, when {@code W1} is kept in panels). Its results equal the
 * general path's up to float rounding; a pair whose fused distance overflows is scored by the
 * general path.
 */
public final class OnlineLearner {

    private final LearnerConfig config;
    private final int inputDim;
    private final Encoder encoder;
    private final ContrastiveLoss loss;
    private final Distance distance;
    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    final InputStandardizer standardizer;

    /** Whether inputs go through {@link #standardizer}: configured, or pinned by a warm start. */
    private boolean standardizing;

    /** Scratch for the standardised inputs; null while inputs are used as they come. */
    private float[] standardLeft;

    private float[] standardRight;

    final float[] params;
    final float[] optimizerState;
    private final float[] grads;
    private final float[] backupParams;
    private final float[] backupState;
    private final Activations left;
    private final Activations right;
    private final float[] gradLeft;
    private final float[] gradRight;

    /**
     * Below this bound on every parameter's magnitude, an SGD step bounded by the same margin
     * cannot overflow float ({@code Float.MAX_VALUE} is about 3.4e38).
     */
    private static final double SAFE_MAGNITUDE = StepBounds.SAFE_MAGNITUDE;

    /**
     * Slack on a gradient's largest magnitude taken from its norm: the norm is summed in double
     * from the float values, and clipping rounds each value once more.
     */
    private static final double GRADIENT_SLACK = 1 + 1e-5;

    /**
     * Plain SGD does not take a step whose every element is smaller in magnitude than this (2^-96):
     * such a step leaves every weight of magnitude at least 2^-72 as it is (it is below half the
     * weight's ulp). Steps that small arise where a model has collapsed: a stream of SAME pairs
     * alone drives {@code f(x1) - f(x2)}, and the gradient with it, to 0 geometrically. Taken, they
     * would go on shrinking the weights until they are subnormal floats, whose every operation
     * costs x86 a microcode assist. Measured ({@code LearnCpuRate}'s SAME-only row, 64 -> 32):
     * without this rule such a model ran at 100k pairs per CPU-second on the vector kernels and 9k
     * on the plain loops, against 960k and 310k for the mixed stream of its first row. A step not
     * taken still counts as applied (the model's version advances), as a zero gradient's does.
     * Other optimisers normalise or accumulate their steps and are left alone.
     */
    static final double NEGLIGIBLE_STEP = 0x1p-96;

    /**
     * Slack on a step's bound for the float roundings of the learning rate and of the step's
     * factors (each at most a relative 2^-24).
     */
    private static final double STEP_SLACK = 1 + 1e-6;

    /**
     * The vector kernels, or null for plain loops; {@link #norm} and {@code exactDot(g, 0, g, n)}
     * give the same double.
     */
    private final VectorKernels vector = VectorKernels.best();

    /** The fused kernel, or null when the configuration needs the general path. */
    private final LinearEuclideanKernel fused;

    /**
     * The fused kernel of an MLP under the Euclidean loss with plain SGD, or null when the
     * configuration is another.
     */
    private final MlpEuclideanKernel mlpFused;

    /** Whether {@link #scoreUnchecked} took the MLP's fused path for the current pair. */
    private boolean pairMlpFused;

    /** Whether the last pair scored took a fused path (for tests). */
    boolean lastPairFused() {
        return pairFused || pairMlpFused;
    }

    /** Plain SGD without weight decay: the fused path updates {@code W} in place. */
    private final boolean plainSgd;

    /** Tests set this to run the general path on a configuration that would be fused. */
    boolean forceGeneralPath;

    /** Whether {@link #scoreUnchecked} took the fused path for the current pair. */
    private boolean pairFused;

    /**
     * Upper bounds on {@code max |params[i]|} and on the optimiser state, each NaN when unknown.
     * Grown by each step that is proven finite in advance; any other write makes them unknown.
     */
    private final StepBounds bounds = new StepBounds();

    final ThresholdCalibrator calibrator;
    final DriftDetector drift;
    final PrequentialWindow window;

    long events;
    long labelledEvents;
    long updatesApplied;
    long updatesSkipped;
    long driftDetections;
    long nonFiniteScores;

    private final PairResult result = new PairResult();

    OnlineLearner(LearnerConfig config, int inputDim, boolean initialise) {
        if (inputDim <= 0) {
            throw new IllegalArgumentException("input dimension must be > 0, got " + inputDim);
        }
        this.config = config;
        this.inputDim = inputDim;
        this.encoder = config.encoder().create(inputDim);
        this.loss = config.loss();
        this.distance = loss.distance();
        this.optimizer = config.optimizer().create();
        this.schedule = config.schedule();
        this.standardizer = new InputStandardizer(config.standardization(), inputDim);
        if (config.standardization().enabled()) {
            enableStandardizing();
        }
        int p = encoder.parameterCount();
        this.params = new float[p];
        this.optimizerState = new float[optimizer.stateSize(p)];
        this.grads = new float[p];
        this.backupParams = new float[p];
        this.backupState = new float[optimizerState.length];
        this.left = encoder.newActivations();
        this.right = encoder.newActivations();
        this.gradLeft = new float[encoder.outputDim()];
        this.gradRight = new float[encoder.outputDim()];
        this.calibrator = Components.calibrator(config, loss);
        this.drift = Components.driftDetector(config.drift());
        this.window = Components.window(config, loss);
        this.plainSgd =
                config.optimizer().kind() == OptimizerKind.SGD
                        && config.optimizer().weightDecay() == 0.0;
        if (encoder instanceof LinearEncoder && distance instanceof EuclideanDistance) {
            // Plain SGD's updates stay inside the kernel: it may keep W in panels.
            this.fused =
                    new LinearEuclideanKernel(
                            inputDim,
                            encoder.outputDim(),
                            ((EuclideanDistance) distance).eps(),
                            vector,
                            plainSgd);
        } else {
            this.fused = null;
        }
        if (plainSgd && encoder instanceof MlpEncoder && distance instanceof EuclideanDistance) {
            MlpEncoder mlp = (MlpEncoder) encoder;
            this.mlpFused =
                    new MlpEuclideanKernel(
                            inputDim,
                            mlp.hiddenDim(),
                            mlp.outputDim(),
                            ((EuclideanDistance) distance).eps(),
                            vector);
        } else {
            this.mlpFused = null;
        }
        if (initialise) {
            encoder.initialize(params, config.encoder().init(), config.seed());
        }
    }

    /** A new model with seeded initial parameters. */
    public static OnlineLearner create(LearnerConfig config, int inputDim) {
        return new OnlineLearner(config, inputDim, true);
    }

    /**
     * A new model that starts from given parameters instead of its initialisation: a model trained
     * elsewhere (offline, in PyTorch) and fine-tuned here. Everything else is new: optimiser state
     * zero, model version 0, empty calibrator, detector and window.
     *
     * @param parameters the encoder's flat parameter array (its layout: {@link
     *     io.contrastream.loss.encoder.Encoder}); copied
     * @throws IllegalArgumentException if its length is not the encoder's parameter count, or a
     *     value is NaN or infinite
     */
    public static OnlineLearner createFrom(LearnerConfig config, int inputDim, float[] parameters) {
        return createFrom(config, inputDim, parameters, null, null);
    }

    /**
     * A new model that starts from given parameters and the input standardisation they were trained
     * with: {@code z = (x - mean) * scale}, fixed for good (a warm-started model keeps the
     * transform its weights expect). Without statistics ({@code null}), a model whose configuration
     * standardises is pinned to the identity instead: its weights were trained on raw inputs.
     * Everything else as {@link #createFrom(LearnerConfig, int, float[])}.
     *
     * @param mean per-feature means, or null
     * @param scale per-feature scales ({@code 1 / standard deviation}), or null; given with {@code
     *     mean} or not at all
     * @throws IllegalArgumentException if the parameters or statistics do not fit the model, or a
     *     value is not finite (or a scale not {@code > 0})
     */
    public static OnlineLearner createFrom(
            LearnerConfig config, int inputDim, float[] parameters, double[] mean, double[] scale) {
        if ((mean == null) != (scale == null)) {
            throw new IllegalArgumentException(
                    "standardisation needs both means and scales, or neither");
        }
        OnlineLearner learner = new OnlineLearner(config, inputDim, false);
        if (mean != null) {
            learner.standardizer.pin(mean, scale);
            learner.enableStandardizing();
        } else if (learner.standardizing) {
            double[] ones = new double[inputDim];
            java.util.Arrays.fill(ones, 1.0);
            learner.standardizer.pin(new double[inputDim], ones);
        }
        if (parameters.length != learner.params.length) {
            throw new IllegalArgumentException(
                    "the encoder has "
                            + learner.params.length
                            + " parameters, "
                            + parameters.length
                            + " were given");
        }
        for (int i = 0; i < parameters.length; i++) {
            if (!Float.isFinite(parameters[i])) {
                throw new IllegalArgumentException(
                        "parameter " + i + " is " + parameters[i] + "; parameters must be finite");
            }
        }
        System.arraycopy(parameters, 0, learner.params, 0, parameters.length);
        learner.bounds.forget();
        return learner;
    }

    /** Inputs go through the standardiser from now on (configured, or a pinned transform). */
    void enableStandardizing() {
        if (!standardizing) {
            standardizing = true;
            standardLeft = new float[inputDim];
            standardRight = new float[inputDim];
        }
    }

    /** The standardised left input, or {@code x} itself when inputs are used as they come. */
    private float[] standardLeft(float[] x) {
        if (!standardizing) {
            return x;
        }
        standardizer.transform(x, standardLeft);
        return standardLeft;
    }

    /** The standardised right input, or {@code x} itself when inputs are used as they come. */
    private float[] standardRight(float[] x) {
        if (!standardizing) {
            return x;
        }
        standardizer.transform(x, standardRight);
        return standardRight;
    }

    /**
     * The input standardisation of this model: per-feature means and scales ({@code z = (x - mean)
     * * scale}), or null when it uses inputs as they come.
     */
    public double[][] standardizationCopy() {
        return standardizing
                ? new double[][] {standardizer.meanCopy(), standardizer.scaleCopy()}
                : null;
    }

    /** The settings this model was created with. */
    public LearnerConfig config() {
        return config;
    }

    /** The length of the feature vectors this model takes. */
    public int inputDim() {
        return inputDim;
    }

    /** The length of this model's embeddings. */
    public int embeddingDim() {
        return encoder.outputDim();
    }

    /** The embedding function. */
    public Encoder encoder() {
        return encoder;
    }

    /** The loss this model learns with. */
    public ContrastiveLoss loss() {
        return loss;
    }

    /** Updates applied so far: the model's version. */
    public long modelVersion() {
        return updatesApplied;
    }

    /** Pairs processed (scored), labelled or not. */
    public long events() {
        return events;
    }

    /** Labelled pairs processed. */
    public long labelledEvents() {
        return labelledEvents;
    }

    /** Labelled pairs whose update was skipped (see {@link UpdateOutcome}). */
    public long updatesSkipped() {
        return updatesSkipped;
    }

    /** Times the drift detector fired. */
    public long driftDetections() {
        return driftDetections;
    }

    /**
     * Pairs whose distance came out NaN or infinite because the embeddings overflowed; they are
     * neither learned from nor recorded in the window.
     */
    public long nonFiniteScores() {
        return nonFiniteScores;
    }

    /** The threshold in force, in dissimilarity units. */
    public double threshold() {
        return calibrator.threshold();
    }

    /**
     * Starts drift detection afresh: the detector forgets the loss seen so far. The engine calls it
     * when a model's warm-up ends, so that the steep fall of a new model's loss does not become the
     * baseline against which later changes are judged.
     */
    public void restartDriftDetection() {
        drift.reset();
    }

    /** The metrics window of this model; the caller reads and resets it. */
    public PrequentialWindow window() {
        return window;
    }

    /** The Euclidean norm of the parameters (0 for an encoder without parameters). */
    public double parameterNorm() {
        settle();
        return norm(params);
    }

    /** A copy of the parameters, in the encoder's layout. */
    public float[] parametersCopy() {
        settle();
        return params.clone();
    }

    /**
     * Writes a pending SGD update of the fused linear path ({@link LinearEuclideanKernel}) to
     * {@link #params}; afterwards the array holds the model as it stands. Every reader of the
     * parameters other than the next pair calls it first. Synchronised so that two threads
     * serialising the same learner (Flink's heap backend copies a model on the task thread while an
     * asynchronous snapshot writes it) cannot both apply the update.
     */
    synchronized void settle() {
        if (fused != null) {
            fused.flush(params);
        }
        if (mlpFused != null) {
            mlpFused.flush(params);
        }
    }

    /**
     * Writes the embedding of {@code x} into {@code out} (of length {@link #embeddingDim()}).
     *
     * @throws IllegalArgumentException if {@code x} has the wrong length or a non-finite value
     */
    public void embed(float[] x, float[] out) {
        FeatureCheck.require("item", x, inputDim);
        settle();
        encoder.forward(params, standardLeft(x), left);
        System.arraycopy(left.output(), 0, out, 0, out.length);
    }

    /**
     * Scores a pair with the model as it stands and changes nothing: no counter, no window, no
     * calibrator.
     *
     * @throws IllegalArgumentException if either vector has the wrong length or a non-finite value
     */
    public PairResult score(float[] x1, float[] x2) {
        FeatureCheck.require("left", x1, inputDim);
        FeatureCheck.require("right", x2, inputDim);
        scoreUnchecked(standardLeft(x1), standardRight(x2));
        result.loss = Double.NaN;
        result.gradientNorm = Double.NaN;
        result.outcome = UpdateOutcome.NOT_LABELLED;
        result.driftDetected = false;
        return result;
    }

    /**
     * Scores a labelled pair, then learns from it.
     *
     * @throws IllegalArgumentException if the label is null, or a vector is bad
     */
    public PairResult learn(float[] x1, float[] x2, PairLabel label) {
        if (label == null) {
            throw new IllegalArgumentException("learn needs a label; use process for unlabelled");
        }
        return process(x1, x2, label);
    }

    /**
     * Scores a pair and, if it has a label, learns from it; then updates the calibrator, the drift
     * detector, the window and the counters.
     *
     * @param label the pair's label, or null for an unlabelled pair (scored only)
     * @throws IllegalArgumentException if either vector has the wrong length or a non-finite value;
     *     nothing changes then
     */
    public PairResult process(float[] rawLeft, float[] rawRight, PairLabel label) {
        FeatureCheck.require("left", rawLeft, inputDim);
        FeatureCheck.require("right", rawRight, inputDim);
        if (label != null && standardizer.learning()) {
            standardizer.observe(rawLeft);
            standardizer.observe(rawRight);
            standardizer.refresh();
        }
        float[] x1 = standardLeft(rawLeft);
        float[] x2 = standardRight(rawRight);
        scoreUnchecked(x1, x2);
        events++;
        result.driftDetected = false;
        if (!Double.isFinite(result.dissimilarity)) {
            // The embeddings overflowed (finite but huge inputs or parameters): nothing to learn
            // from and nothing to calibrate with. Counted; the model stays as it is.
            nonFiniteScores++;
            result.loss = Double.NaN;
            result.gradientNorm = Double.NaN;
            if (label == null) {
                result.outcome = UpdateOutcome.NOT_LABELLED;
            } else {
                labelledEvents++;
                updatesSkipped++;
                window.recordUnscoredSkip();
                result.outcome = UpdateOutcome.SKIPPED_NON_FINITE_LOSS;
            }
            return result;
        }
        if (label == null) {
            result.loss = Double.NaN;
            result.gradientNorm = Double.NaN;
            result.outcome = UpdateOutcome.NOT_LABELLED;
            window.recordUnlabelled(result.dissimilarity, result.threshold);
            return result;
        }
        labelledEvents++;
        UpdateOutcome outcome = update(x1, x2, label);
        result.outcome = outcome;
        if (outcome == UpdateOutcome.APPLIED) {
            updatesApplied++;
        } else {
            updatesSkipped++;
        }
        calibrator.observe(result.dissimilarity, label);
        // A detected fall of the loss is the model getting better: no alarm.
        if (drift.update(result.loss) && drift.lastChangeWasIncrease()) {
            result.driftDetected = true;
            driftDetections++;
        }
        window.recordLabelled(
                result.dissimilarity,
                label,
                result.threshold,
                result.loss,
                result.gradientNorm,
                outcome.skipped());
        return result;
    }

    private void scoreUnchecked(float[] x1, float[] x2) {
        pairFused = fused != null && !forceGeneralPath && fused.prepare(x1, x2);
        pairMlpFused = false;
        double value = Double.NaN;
        if (mlpFused != null && !forceGeneralPath) {
            value = mlpFused.distance(params, x1, x2);
            // An overflow: the general path's rounding decides what such a pair scores.
            pairMlpFused = Double.isFinite(value);
        }
        if (pairFused) {
            value = fused.distance(params);
        } else if (!pairMlpFused) {
            settle();
            encoder.forward(params, x1, left);
            encoder.forward(params, x2, right);
            value = distance.value(left.output(), right.output());
        }
        result.value = value;
        result.dissimilarity = distance.dissimilarity(value);
        result.similarity = distance.isSimilarity() ? value : Double.NaN;
        result.threshold = calibrator.threshold();
        result.modelVersion = updatesApplied;
    }

    /** One update, from the activations {@link #scoreUnchecked} left for the same pair. */
    private UpdateOutcome update(float[] x1, float[] x2, PairLabel label) {
        double value = result.value;
        double pairLoss = loss.loss(label, value);
        result.loss = pairLoss;
        result.gradientNorm = Double.NaN;
        if (!Double.isFinite(pairLoss)) {
            return UpdateOutcome.SKIPPED_NON_FINITE_LOSS;
        }
        if (params.length == 0) {
            result.gradientNorm = 0;
            return UpdateOutcome.APPLIED;
        }
        if (pairFused) {
            return updateFused(label, value);
        }
        if (pairMlpFused) {
            return updateMlpFused(label, value, x1, x2);
        }
        distance.gradient(
                left.output(),
                right.output(),
                value,
                loss.derivative(label, value),
                gradLeft,
                gradRight);
        Arrays.fill(grads, 0f);
        encoder.backward(params, x1, left, gradLeft, grads);
        encoder.backward(params, x2, right, gradRight, grads);
        double norm =
                vector != null
                        ? Math.sqrt(vector.exactDot(grads, 0, grads, grads.length))
                        : norm(grads);
        result.gradientNorm = norm;
        if (!Double.isFinite(norm)) {
            return UpdateOutcome.SKIPPED_NON_FINITE_GRADIENT;
        }
        double clip = config.clipNorm();
        double largest = norm;
        if (clip > 0 && norm > clip) {
            float scale = (float) (clip / norm);
            for (int i = 0; i < grads.length; i++) {
                grads[i] *= scale;
            }
            largest = clip;
        }
        return guardedStep(largest * GRADIENT_SLACK);
    }

    /**
     * The fused update of a linear encoder under the Euclidean loss, from the {@code e = W delta}
     * that {@link #scoreUnchecked} left: the gradient is {@code c e delta^T} with {@code c =
     * (dL/dd) / d}, its norm {@code |c| ||e|| ||delta||}, and clipping scales {@code c}.
     */
    private UpdateOutcome updateFused(PairLabel label, double value) {
        double c = value > 0 ? loss.derivative(label, value) / value : 0.0;
        double norm = Math.abs(c) * fused.diffNorm * fused.deltaNorm;
        result.gradientNorm = norm;
        // The general path forms the gradient in float, where such a norm would have overflowed.
        if (!(norm <= Float.MAX_VALUE)) {
            return UpdateOutcome.SKIPPED_NON_FINITE_GRADIENT;
        }
        double clip = config.clipNorm();
        double largest = norm;
        if (clip > 0 && norm > clip) {
            c *= clip / norm;
            largest = clip;
        }
        if (!plainSgd) {
            // Each g_oi = (float) ((float) (c e_o) delta_i) is within |c| ||e|| ||delta||.
            fused.writeGradient(grads, c);
            return guardedStep(largest * GRADIENT_SLACK);
        }
        if (c == 0) {
            // A zero gradient: SGD moves nothing (the general path subtracts zeros).
            return UpdateOutcome.APPLIED;
        }
        double k = schedule.rate(config.optimizer().learningRate(), updatesApplied + 1) * c;
        // |W[o][i] - a_o delta_i| <= max|W| + |k| max|e| max|delta|, before rounding. The
        // maxima cost two lane reductions on the path from this pair's e to the next pair's
        // pass, so the norms decide where they can: max|e| max|delta| lies between
        // ||e|| ||delta|| / sqrt(out in) and ||e|| ||delta||.
        double step = Math.abs(k) * fused.diffNorm * fused.deltaNorm;
        if (step < NEGLIGIBLE_STEP * 2 * fused.normsPerMaxima) {
            step = Math.abs(k) * fused.diffMax() * fused.deltaMax();
            if (step * STEP_SLACK < NEGLIGIBLE_STEP) {
                // A collapsed model: the step would change no weight above 2^-72 (see the
                // constant).
                return UpdateOutcome.APPLIED;
            }
        }
        if (!(bounds.params + step < SAFE_MAGNITUDE)) {
            bounds.params = fused.maxAbsWeights(params);
            step = Math.abs(k) * fused.diffMax() * fused.deltaMax();
        }
        if (bounds.params + step < SAFE_MAGNITUDE) {
            // Proven finite: recorded now, written in the next pair's pass over W (or by settle).
            fused.deferSgd(k);
            // Each of the two float roundings on the way adds at most a relative 2^-24.
            bounds.params = (bounds.params + step) * (1 + 1e-6);
            return UpdateOutcome.APPLIED;
        }
        // Too close to overflow to argue: copy, step, check and roll back if need be.
        bounds.forget();
        settle();
        System.arraycopy(params, 0, backupParams, 0, params.length);
        fused.applySgd(params, k);
        if (!allFinite(params)) {
            System.arraycopy(backupParams, 0, params, 0, params.length);
            return UpdateOutcome.SKIPPED_NON_FINITE_PARAMETERS;
        }
        return UpdateOutcome.APPLIED;
    }

    /**
     * The fused plain-SGD update of an MLP under the Euclidean loss ({@link MlpEuclideanKernel}),
     * from what {@link #scoreUnchecked} left: the gradient's norm without forming it, clipping that
     * scales {@code c}, and the step written at once when a bound shows it finite.
     */
    private UpdateOutcome updateMlpFused(PairLabel label, double value, float[] x1, float[] x2) {
        double c = value > 0 ? loss.derivative(label, value) / value : 0.0;
        MlpEuclideanKernel.Backward back = mlpFused.backward(params, x1, x2);
        double norm = Math.abs(c) * back.norm;
        result.gradientNorm = norm;
        // The general path forms the gradient in float, where such a norm would have overflowed.
        if (!(norm <= Float.MAX_VALUE)) {
            return UpdateOutcome.SKIPPED_NON_FINITE_GRADIENT;
        }
        double clip = config.clipNorm();
        if (clip > 0 && norm > clip) {
            c *= clip / norm;
        }
        if (c == 0) {
            return UpdateOutcome.APPLIED;
        }
        double k = schedule.rate(config.optimizer().learningRate(), updatesApplied + 1) * c;
        double step = Math.abs(k) * back.step;
        if (step * STEP_SLACK < NEGLIGIBLE_STEP) {
            // A collapsed model: the step would change no weight above 2^-72 (see the constant).
            return UpdateOutcome.APPLIED;
        }
        if (!(bounds.params + step < SAFE_MAGNITUDE)) {
            // Nothing is pending here (this pair's pass wrote it); the copy is written back.
            settle();
            bounds.params = StepBounds.maxAbs(params, 0, params.length);
        }
        if (bounds.params + step < SAFE_MAGNITUDE) {
            // Proven finite: b1 written now; W1 and W2 in the next pair's passes when W1 is in
            // panels (or by settle), else now.
            mlpFused.sgd(params, k, x1, x2);
            // Each float rounding on the way adds at most a relative 2^-24.
            bounds.params = (bounds.params + step) * (1 + 1e-6);
            return UpdateOutcome.APPLIED;
        }
        // Too close to overflow to argue: copy, step, check and roll back if need be.
        bounds.forget();
        settle();
        System.arraycopy(params, 0, backupParams, 0, params.length);
        mlpFused.sgdToRows(params, k, x1, x2);
        if (!allFinite(params)) {
            System.arraycopy(backupParams, 0, params, 0, params.length);
            return UpdateOutcome.SKIPPED_NON_FINITE_PARAMETERS;
        }
        return UpdateOutcome.APPLIED;
    }

    /**
     * One optimiser step on {@link #grads}, whose values are at most {@code gradientBound} in
     * magnitude. When the optimiser proves from running bounds that the step leaves every value
     * finite, it is simply taken; otherwise parameters and state are copied first and the step is
     * rolled back if any value became NaN or infinite, so that a skipped step leaves both
     * bit-identical. Either way the outcome is the one the copy-and-check alone would give.
     */
    private UpdateOutcome guardedStep(double gradientBound) {
        if (fused != null) {
            // The optimiser writes params (settled when the pair was scored): the kernel's own copy
            // of W, if it keeps one, is out of date from here.
            fused.invalidate();
        }
        if (mlpFused != null) {
            mlpFused.invalidate();
        }
        long t = updatesApplied + 1;
        double rate = schedule.rate(config.optimizer().learningRate(), t);
        if (plainSgd && rate * gradientBound * STEP_SLACK < NEGLIGIBLE_STEP) {
            // A collapsed model: the step would change no weight above 2^-72 (see the constant).
            return UpdateOutcome.APPLIED;
        }
        if (optimizer.provablyFinite(bounds, gradientBound, t, rate, params, optimizerState)) {
            optimizer.step(params, grads, optimizerState, t, rate);
            return UpdateOutcome.APPLIED;
        }
        bounds.forget();
        System.arraycopy(params, 0, backupParams, 0, params.length);
        System.arraycopy(optimizerState, 0, backupState, 0, optimizerState.length);
        optimizer.step(params, grads, optimizerState, t, rate);
        if (!allFinite(params) || !allFinite(optimizerState)) {
            System.arraycopy(backupParams, 0, params, 0, params.length);
            System.arraycopy(backupState, 0, optimizerState, 0, optimizerState.length);
            return UpdateOutcome.SKIPPED_NON_FINITE_PARAMETERS;
        }
        return UpdateOutcome.APPLIED;
    }

    /** True when no value is NaN or infinite. */
    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** The Euclidean norm, in double, with four accumulators (no single dependency chain). */
    static double norm(float[] values) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int n = values.length;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += (double) values[i] * values[i];
            s1 += (double) values[i + 1] * values[i + 1];
            s2 += (double) values[i + 2] * values[i + 2];
            s3 += (double) values[i + 3] * values[i + 3];
        }
        for (; i < n; i++) {
            s0 += (double) values[i] * values[i];
        }
        return Math.sqrt((s0 + s1) + (s2 + s3));
    }
}
