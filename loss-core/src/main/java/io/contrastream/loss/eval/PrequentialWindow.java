package io.contrastream.loss.eval;

import io.contrastream.loss.PairLabel;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Prequential (test-then-train) metrics over one tumbling window of pairs; the caller decides when
 * a window ends, reads the metrics and calls {@link #reset}.
 *
 * <p>Each pair is recorded once, after the model scored it and before (or instead of) learning from
 * it: {@link #recordUnlabelled} for pairs without a label, {@link #recordLabelled} for pairs with
 * one, together with the loss and the outcome of the update they caused. A pair is predicted SAME
 * iff {@code D < threshold}, with the threshold in force when it was scored.
 *
 * <p>Precision, recall and F1 are for a configured positive class: DIFFERENT for change detection
 * (a changed location is the alert), SAME for duplicate detection. Predicted positive means
 * predicted {@code positiveClass}. The AUC is that of {@link HistogramAuc}, which is the same for
 * either positive class.
 *
 * <p>Edge cases: every mean or ratio over an empty set is NaN, e.g. {@link #meanLoss} with no
 * labelled pair, {@link #precision} with no predicted positive, {@link #recall} with no actual
 * positive, {@link #activeNegativeFraction} with no DIFFERENT pair, {@link #auc} without both
 * classes. {@link #f1} is {@code 2TP / (2TP + FP + FN)}: 0 when there are positives but none is
 * found, NaN only when there is no positive, predicted or actual. Inputs are checked: a NaN
 * dissimilarity or threshold, or a loss that is NaN or negative, is refused with {@link
 * IllegalArgumentException}; a gradient norm that is not finite (a diverged update, typically
 * skipped) is counted by {@link #nonFiniteGradientCount} and left out of {@link #meanGradientNorm}.
 * Allocates nothing per record. Not thread-safe.
 */
public final class PrequentialWindow implements StatefulComponent {

    private static final String STATE_NAME = "PrequentialWindow";
    private static final int STATE_VERSION = 1;

    private final PairLabel positiveClass;
    private final double negativeMarginD;
    private final HistogramAuc histogram;

    private long count;
    private long predictedPositive;
    private long sameCount;
    private long differentCount;
    private double lossSum;
    private double sameDSum;
    private double differentDSum;
    private long activeNegatives;
    private long truePositives;
    private long falsePositives;
    private long trueNegatives;
    private long falseNegatives;
    private double gradientNormSum;
    private long gradientNormCount;
    private long nonFiniteGradients;
    private long skippedUpdates;

    /**
     * A window with an AUC histogram of {@link HistogramAuc#DEFAULT_BINS} bins centred on the
     * negative margin.
     *
     * @param positiveClass the class that precision, recall and F1 are about
     * @param negativeMarginDissimilarity the loss's negative margin in {@code D} units ({@link
     *     io.contrastream.loss.ContrastiveLoss#negativeMarginDissimilarity()}), finite and {@code >
     *     0}
     */
    public PrequentialWindow(PairLabel positiveClass, double negativeMarginDissimilarity) {
        this(
                positiveClass,
                negativeMarginDissimilarity,
                HistogramAuc.DEFAULT_BINS,
                negativeMarginDissimilarity);
    }

    /**
     * @param aucBins bins of the AUC histogram, at least 2
     * @param aucScale the {@code D} at the middle of the AUC histogram, finite and {@code > 0}
     */
    public PrequentialWindow(
            PairLabel positiveClass,
            double negativeMarginDissimilarity,
            int aucBins,
            double aucScale) {
        if (positiveClass == null) {
            throw new IllegalArgumentException("positive class must be given");
        }
        if (!(negativeMarginDissimilarity > 0) || Double.isInfinite(negativeMarginDissimilarity)) {
            throw new IllegalArgumentException(
                    "negative margin must be finite and > 0, got " + negativeMarginDissimilarity);
        }
        this.positiveClass = positiveClass;
        this.negativeMarginD = negativeMarginDissimilarity;
        this.histogram = new HistogramAuc(aucBins, aucScale);
    }

    /** Records a pair without a label: it counts, and counts as an alert if predicted positive. */
    public void recordUnlabelled(double dissimilarity, double threshold) {
        checkScored(dissimilarity, threshold);
        count++;
        if (predicted(dissimilarity, threshold) == positiveClass) {
            predictedPositive++;
        }
    }

    /**
     * Records a labelled pair that could not be scored (its distance overflowed) and so taught
     * nothing: counted among the skipped updates only, since it has no distance or loss to add to
     * the other statistics.
     */
    public void recordUnscoredSkip() {
        skippedUpdates++;
    }

    /**
     * Records a labelled pair and the update it caused.
     *
     * @param dissimilarity the pair's {@code D} before the update
     * @param threshold the threshold in force when the pair was scored
     * @param loss the pair's loss before the update, {@code >= 0}
     * @param gradientNorm the norm of the update's gradient; non-finite values are counted apart
     * @param updateSkipped true if the update was computed but not applied (e.g. a non-finite or
     *     clipped-away gradient)
     */
    public void recordLabelled(
            double dissimilarity,
            PairLabel label,
            double threshold,
            double loss,
            double gradientNorm,
            boolean updateSkipped) {
        checkScored(dissimilarity, threshold);
        if (!(loss >= 0)) {
            throw new IllegalArgumentException("loss must be >= 0, got " + loss);
        }
        count++;
        PairLabel predicted = predicted(dissimilarity, threshold);
        boolean predictedPos = predicted == positiveClass;
        boolean actualPos = label == positiveClass;
        if (predictedPos) {
            predictedPositive++;
            if (actualPos) {
                truePositives++;
            } else {
                falsePositives++;
            }
        } else if (actualPos) {
            falseNegatives++;
        } else {
            trueNegatives++;
        }
        lossSum += loss;
        if (label == PairLabel.SAME) {
            sameCount++;
            sameDSum += dissimilarity;
        } else {
            differentCount++;
            differentDSum += dissimilarity;
            if (dissimilarity < negativeMarginD) {
                activeNegatives++;
            }
        }
        histogram.add(dissimilarity, label);
        if (Double.isFinite(gradientNorm)) {
            gradientNormSum += gradientNorm;
            gradientNormCount++;
        } else {
            nonFiniteGradients++;
        }
        if (updateSkipped) {
            skippedUpdates++;
        }
    }

    private static void checkScored(double dissimilarity, double threshold) {
        if (Double.isNaN(dissimilarity)) {
            throw new IllegalArgumentException("dissimilarity is NaN");
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold is NaN");
        }
    }

    private static PairLabel predicted(double dissimilarity, double threshold) {
        return dissimilarity < threshold ? PairLabel.SAME : PairLabel.DIFFERENT;
    }

    /** Pairs recorded, labelled or not. */
    public long count() {
        return count;
    }

    /** Labelled pairs recorded. */
    public long labelledCount() {
        return sameCount + differentCount;
    }

    /** Labelled SAME pairs recorded. */
    public long sameCount() {
        return sameCount;
    }

    /** Labelled DIFFERENT pairs recorded. */
    public long differentCount() {
        return differentCount;
    }

    /** Pairs (labelled or not) predicted to be of the positive class. */
    public long predictedPositiveCount() {
        return predictedPositive;
    }

    /** The fraction of all pairs predicted positive (the alert rate); NaN if none. */
    public double predictedPositiveFraction() {
        return ratio(predictedPositive, count);
    }

    /** Mean loss over labelled pairs; NaN if none. */
    public double meanLoss() {
        return nonEmpty(labelledCount()) ? lossSum / labelledCount() : Double.NaN;
    }

    /** Mean {@code D} of SAME pairs; NaN if none. */
    public double meanSameDissimilarity() {
        return nonEmpty(sameCount) ? sameDSum / sameCount : Double.NaN;
    }

    /** Mean {@code D} of DIFFERENT pairs; NaN if none. */
    public double meanDifferentDissimilarity() {
        return nonEmpty(differentCount) ? differentDSum / differentCount : Double.NaN;
    }

    /**
     * The fraction of DIFFERENT pairs with {@code D} below the negative margin, which the loss
     * still pushes apart; NaN if no DIFFERENT pair.
     */
    public double activeNegativeFraction() {
        return ratio(activeNegatives, differentCount);
    }

    /** Labelled pairs of the positive class predicted positive. */
    public long truePositives() {
        return truePositives;
    }

    /** Labelled pairs of the other class predicted positive. */
    public long falsePositives() {
        return falsePositives;
    }

    /** Labelled pairs of the other class predicted as such. */
    public long trueNegatives() {
        return trueNegatives;
    }

    /** Labelled pairs of the positive class predicted as the other class. */
    public long falseNegatives() {
        return falseNegatives;
    }

    /** Fraction of labelled pairs predicted correctly; NaN if none. */
    public double accuracy() {
        return ratio(truePositives + trueNegatives, labelledCount());
    }

    /** {@code TP / (TP + FP)}; NaN with no labelled pair predicted positive. */
    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    /** {@code TP / (TP + FN)}; NaN with no labelled pair of the positive class. */
    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    /** {@code 2TP / (2TP + FP + FN)}; NaN when there is no positive, predicted or actual. */
    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    /** ROC-AUC of {@code D} over labelled pairs (see {@link HistogramAuc#auc()}). */
    public double auc() {
        return histogram.auc();
    }

    /** The bound on the binning error of {@link #auc} (see {@link HistogramAuc#errorBound()}). */
    public double aucErrorBound() {
        return histogram.errorBound();
    }

    /** Mean finite gradient norm over labelled pairs, applied or skipped; NaN if none. */
    public double meanGradientNorm() {
        return nonEmpty(gradientNormCount) ? gradientNormSum / gradientNormCount : Double.NaN;
    }

    /** Labelled pairs whose gradient norm was NaN or infinite. */
    public long nonFiniteGradientCount() {
        return nonFiniteGradients;
    }

    /**
     * Labelled pairs whose update was skipped: those recorded with {@code updateSkipped} and those
     * that could not be scored ({@link #recordUnscoredSkip}).
     */
    public long skippedUpdateCount() {
        return skippedUpdates;
    }

    /** The class that precision, recall and F1 are about. */
    public PairLabel positiveClass() {
        return positiveClass;
    }

    private static boolean nonEmpty(long n) {
        return n > 0;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator > 0 ? (double) numerator / denominator : Double.NaN;
    }

    /** Starts a new window. */
    public void reset() {
        count = 0;
        predictedPositive = 0;
        sameCount = 0;
        differentCount = 0;
        lossSum = 0;
        sameDSum = 0;
        differentDSum = 0;
        activeNegatives = 0;
        truePositives = 0;
        falsePositives = 0;
        trueNegatives = 0;
        falseNegatives = 0;
        gradientNormSum = 0;
        gradientNormCount = 0;
        nonFiniteGradients = 0;
        skippedUpdates = 0;
        histogram.reset();
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        StateFormat.writeHeader(out, STATE_NAME, STATE_VERSION);
        out.writeLong(positiveClass.ordinal());
        out.writeDouble(negativeMarginD);
        out.writeLong(count);
        out.writeLong(predictedPositive);
        out.writeLong(sameCount);
        out.writeLong(differentCount);
        out.writeDouble(lossSum);
        out.writeDouble(sameDSum);
        out.writeDouble(differentDSum);
        out.writeLong(activeNegatives);
        out.writeLong(truePositives);
        out.writeLong(falsePositives);
        out.writeLong(trueNegatives);
        out.writeLong(falseNegatives);
        out.writeDouble(gradientNormSum);
        out.writeLong(gradientNormCount);
        out.writeLong(nonFiniteGradients);
        out.writeLong(skippedUpdates);
        histogram.writeState(out);
    }

    @Override
    public void readState(DataInput in) throws IOException {
        StateFormat.readHeader(in, STATE_NAME, STATE_VERSION);
        StateFormat.expectSetting(in, STATE_NAME, "positive class", positiveClass.ordinal());
        StateFormat.expectSetting(in, STATE_NAME, "negative margin", negativeMarginD);
        long max = Long.MAX_VALUE;
        long newCount = StateFormat.checkRange(STATE_NAME, "count", in.readLong(), 0, max);
        long newPredictedPositive =
                StateFormat.checkRange(
                        STATE_NAME, "predicted positives", in.readLong(), 0, newCount);
        long newSame = StateFormat.checkRange(STATE_NAME, "SAME count", in.readLong(), 0, newCount);
        long newDifferent =
                StateFormat.checkRange(
                        STATE_NAME, "DIFFERENT count", in.readLong(), 0, newCount - newSame);
        double newLossSum = in.readDouble();
        double newSameDSum = in.readDouble();
        double newDifferentDSum = in.readDouble();
        long newActive =
                StateFormat.checkRange(
                        STATE_NAME, "active negatives", in.readLong(), 0, newDifferent);
        long newTp = StateFormat.checkRange(STATE_NAME, "true positives", in.readLong(), 0, max);
        long newFp = StateFormat.checkRange(STATE_NAME, "false positives", in.readLong(), 0, max);
        long newTn = StateFormat.checkRange(STATE_NAME, "true negatives", in.readLong(), 0, max);
        long newFn = StateFormat.checkRange(STATE_NAME, "false negatives", in.readLong(), 0, max);
        long labelled = newSame + newDifferent;
        long actualPositive = positiveClass == PairLabel.SAME ? newSame : newDifferent;
        if (newTp + newFn != actualPositive
                || newFp + newTn != labelled - actualPositive
                || newTp + newFp > newPredictedPositive) {
            throw new IOException(
                    STATE_NAME
                            + " state has confusion counts that do not add up to its class counts");
        }
        double newGradientSum = in.readDouble();
        long newGradientCount =
                StateFormat.checkRange(STATE_NAME, "gradient norms", in.readLong(), 0, labelled);
        long newNonFinite =
                StateFormat.checkRange(
                        STATE_NAME,
                        "non-finite gradients",
                        in.readLong(),
                        0,
                        labelled - newGradientCount);
        if (newGradientCount + newNonFinite != labelled) {
            throw new IOException(
                    STATE_NAME
                            + " state has "
                            + (newGradientCount + newNonFinite)
                            + " gradient norms for "
                            + labelled
                            + " labelled pairs");
        }
        // Not bounded by the labelled pairs recorded: a labelled pair that could not be scored
        // (recordUnscoredSkip) is counted here and nowhere else.
        long newSkipped =
                StateFormat.checkRange(
                        STATE_NAME, "skipped updates", in.readLong(), 0, Long.MAX_VALUE);
        if (!Double.isFinite(newLossSum)
                || newLossSum < 0
                || Double.isNaN(newSameDSum)
                || Double.isNaN(newDifferentDSum)
                || !Double.isFinite(newGradientSum)) {
            throw new IOException(
                    STATE_NAME + " state has a sum that is NaN, infinite or negative");
        }
        HistogramAuc newHistogram = new HistogramAuc(histogram.bins(), histogram.scale());
        newHistogram.readState(in);
        if (newHistogram.sameCount() != newSame || newHistogram.differentCount() != newDifferent) {
            throw new IOException(
                    STATE_NAME
                            + " state has an AUC histogram of "
                            + newHistogram.sameCount()
                            + " SAME and "
                            + newHistogram.differentCount()
                            + " DIFFERENT pairs, but counts "
                            + newSame
                            + " and "
                            + newDifferent);
        }
        count = newCount;
        predictedPositive = newPredictedPositive;
        sameCount = newSame;
        differentCount = newDifferent;
        lossSum = newLossSum;
        sameDSum = newSameDSum;
        differentDSum = newDifferentDSum;
        activeNegatives = newActive;
        truePositives = newTp;
        falsePositives = newFp;
        trueNegatives = newTn;
        falseNegatives = newFn;
        gradientNormSum = newGradientSum;
        gradientNormCount = newGradientCount;
        nonFiniteGradients = newNonFinite;
        skippedUpdates = newSkipped;
        histogram.copyFrom(newHistogram);
    }
}
