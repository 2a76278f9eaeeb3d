package io.contrastream.loss.eval;

/**
 * Exact pair ROC-AUC, for offline evaluation: the Mann-Whitney statistic {@code P(D_same < D_diff)
 * + 1/2 P(D_same = D_diff)} over every (SAME, DIFFERENT) pair of observations, where a lower
 * dissimilarity {@code D} means "more SAME" (the pair is scored by {@code -D}). 1 is a perfect
 * ranking, 1/2 a random one. Unlike {@link HistogramAuc}, which bins and bounds its error for
 * streaming, this sorts all values: O(n log n) time, O(n) memory.
 *
 * <p>Ties: a SAME and a DIFFERENT observation with equal {@code D} count 1/2 (so constant scores
 * give exactly 1/2). Values are compared with {@link Double#compare}, so {@code -0.0 < 0.0}; the
 * engine never writes a negative zero distance.
 *
 * <p>Refused, with {@link IllegalArgumentException} naming the problem: arrays of different
 * lengths, no SAME or no DIFFERENT observation (the AUC is undefined), and NaN values. Infinities
 * are ordered as usual.
 */
public final class RocAuc {

    private RocAuc() {}

    /**
     * The AUC of scoring each observation by {@code -dissimilarity[i]}, SAME ({@code same[i]}) the
     * positive class.
     *
     * @throws IllegalArgumentException see the class comment
     */
    public static double ofDissimilarity(double[] dissimilarity, boolean[] same) {
        if (dissimilarity.length != same.length) {
            throw new IllegalArgumentException(
                    dissimilarity.length
                            + " dissimilarities but "
                            + same.length
                            + " labels: one label per value");
        }
        int n = dissimilarity.length;
        long positives = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isNaN(dissimilarity[i])) {
                throw new IllegalArgumentException("dissimilarity " + i + " is NaN");
            }
            if (same[i]) {
                positives++;
            }
        }
        long negatives = n - positives;
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException(
                    "ROC-AUC needs SAME and DIFFERENT observations, got "
                            + positives
                            + " SAME and "
                            + negatives
                            + " DIFFERENT");
        }
        int[] order = sortedOrder(dissimilarity);
        double[] sorted = new double[n];
        for (int i = 0; i < n; i++) {
            sorted[i] = dissimilarity[order[i]];
        }
        // Walk from the smallest D: each DIFFERENT beats every SAME seen before its tie group,
        // and half of the SAME inside it.
        double wins = 0;
        long sameSeen = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            long tieSame = 0;
            long tieDifferent = 0;
            while (j < n && Double.compare(sorted[j], sorted[i]) == 0) {
                if (same[order[j]]) {
                    tieSame++;
                } else {
                    tieDifferent++;
                }
                j++;
            }
            wins += (double) tieDifferent * sameSeen + 0.5 * (double) tieDifferent * tieSame;
            sameSeen += tieSame;
            i = j;
        }
        return wins / ((double) positives * (double) negatives);
    }

    /** Indices of {@code values} in ascending order of value ({@link Double#compare} order). */
    private static int[] sortedOrder(double[] values) {
        int n = values.length;
        // A merge sort of an index array: no boxing, stable, O(n log n) in the worst case.
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        int[] scratch = new int[n];
        mergeSort(order, scratch, 0, n, values);
        return order;
    }

    private static void mergeSort(int[] a, int[] scratch, int from, int to, double[] key) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(a, scratch, from, mid, key);
        mergeSort(a, scratch, mid, to, key);
        int i = from;
        int j = mid;
        int k = from;
        while (i < mid && j < to) {
            scratch[k++] = Double.compare(key[a[j]], key[a[i]]) < 0 ? a[j++] : a[i++];
        }
        while (i < mid) {
            scratch[k++] = a[i++];
        }
        while (j < to) {
            scratch[k++] = a[j++];
        }
        System.arraycopy(scratch, from, a, from, to - from);
    }
}
