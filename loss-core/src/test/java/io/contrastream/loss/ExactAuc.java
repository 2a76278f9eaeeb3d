package io.contrastream.loss;

import java.util.Arrays;

/**
 * Exact pair ROC-AUC for tests, by sorting: the probability that a SAME pair is closer than a
 * DIFFERENT pair, ties counted half (the Mann-Whitney U statistic over P x N). Independent of the
 * engine's histogram AUC.
 */
public final class ExactAuc {

    private ExactAuc() {}

    /** AUC of scoring by {@code -dissimilarity}, SAME as the positive class. */
    public static double of(double[] dissimilarity, boolean[] same) {
        int n = dissimilarity.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (x, y) -> Double.compare(dissimilarity[x], dissimilarity[y]));
        // Walk from the smallest dissimilarity; each DIFFERENT pair beats no SAME pair seen so far.
        double wins = 0;
        long positives = 0;
        long negatives = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            long tiePos = 0;
            long tieNeg = 0;
            while (j < n && dissimilarity[order[j]] == dissimilarity[order[i]]) {
                if (same[order[j]]) tiePos++;
                else tieNeg++;
                j++;
            }
            // every SAME seen earlier is closer than each DIFFERENT in this tie group
            wins += (double) tieNeg * positives + 0.5 * tieNeg * tiePos;
            positives += tiePos;
            negatives += tieNeg;
            i = j;
        }
        return wins / ((double) positives * negatives);
    }
}
