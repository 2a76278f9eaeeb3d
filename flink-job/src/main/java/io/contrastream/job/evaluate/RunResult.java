package io.contrastream.job.evaluate;

import io.contrastream.loss.eval.NearestNeighbour;

/**
 * What one run (one configuration, one seed) measured from the engine's outputs.
 *
 * @param label the configuration's label
 * @param seed the run's seed
 * @param auc pair ROC-AUC of the final test pairs, each scored by {@code -distance}, SAME positive
 * @param accuracy accuracy on the final test pairs of the engine's own decision: SAME when {@code
 *     distance <= threshold}, with each score's threshold
 * @param threshold the threshold of the last test pair's score
 * @param nearestNeighbour 1-NN accuracy of the test rows against the train rows in the final
 *     model's embedding, under the model's distance
 * @param probeAuc pair ROC-AUC of each probe block, in stream order
 * @param trainingPairs labelled pairs in the stream
 * @param modelVersion updates applied to the final model (equals {@code trainingPairs} unless
 *     updates were skipped)
 * @param wallSeconds wall time of the engine's run (writing the stream and measuring excluded)
 * @param drift drift alerts around the switch; null unless the scenario is class-shift
 */
public record RunResult(
        String label,
        long seed,
        double auc,
        double accuracy,
        double threshold,
        NearestNeighbour.Result nearestNeighbour,
        double[] probeAuc,
        int trainingPairs,
        long modelVersion,
        double wallSeconds,
        DriftReport drift) {

    /**
     * DRIFT alerts of a class-shift run (from {@code alerts.jsonl}), counted in labelled training
     * pairs.
     *
     * @param switchPoint training pairs before the switch
     * @param alertsBeforeSwitch DRIFT alerts raised at or before the last pair of the first phase
     * @param alertsAfterSwitch DRIFT alerts raised after the switch
     * @param firstAfterSwitch labelled pairs after the switch up to and including the one that
     *     raised the first DRIFT alert after it; -1 if none did
     */
    public record DriftReport(
            int switchPoint, int alertsBeforeSwitch, int alertsAfterSwitch, int firstAfterSwitch) {}
}
