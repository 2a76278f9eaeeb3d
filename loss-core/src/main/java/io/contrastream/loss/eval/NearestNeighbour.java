package io.contrastream.loss.eval;

import io.contrastream.loss.distance.Distance;

/**
 * Exact 1-nearest-neighbour classification accuracy, for offline evaluation of an embedding: each
 * query row takes the class of its nearest reference row (test rows queried against train rows;
 * nothing is left out, since the two sets are disjoint), and the accuracy is the fraction of
 * queries whose class that is. Brute force: O(queries x references x dimension), in double
 * precision.
 *
 * <p>Nearness is the dissimilarity of a {@link Distance}: {@code distance.dissimilarity(
 * distance.value(query, reference))}, so a model's own distance (Euclidean, or {@code 1 - s} for
 * cosine) ranks neighbours exactly as the model ranks pairs. For raw features, pass {@code new
 * EuclideanDistance(0)}.
 *
 * <p>Ties: when several reference rows are equally near (equal dissimilarity, compared exactly),
 * each of them votes with equal weight, and the query counts as the fraction of them that share its
 * class. So the result does not depend on the order of the rows (unlike "the first row found",
 * which is what scikit-learn's brute-force {@code KNeighborsClassifier(1)} does: it can differ from
 * this when ties occur, which {@link Result#tiedQueries} counts).
 *
 * <p>Refused, with {@link IllegalArgumentException} naming the problem: no query or no reference
 * row, rows of another length than the first reference row, class arrays of another length than
 * their rows, negative classes, and a NaN dissimilarity (from a NaN value in a row, say; infinite
 * dissimilarities are ordered as usual).
 */
public final class NearestNeighbour {

    private NearestNeighbour() {}

    /**
     * The outcome of a 1-NN evaluation.
     *
     * @param accuracy fraction of queries classified right, ties shared (see the class comment)
     * @param queries number of query rows
     * @param tiedQueries queries whose nearest dissimilarity was shared by two or more reference
     *     rows
     */
    public record Result(double accuracy, int queries, int tiedQueries) {}

    /**
     * 1-NN accuracy of {@code queries} (classes {@code queryClasses}) against {@code references}
     * (classes {@code referenceClasses}) under {@code distance}.
     *
     * @throws IllegalArgumentException see the class comment
     */
    public static Result accuracy(
            float[][] references,
            int[] referenceClasses,
            float[][] queries,
            int[] queryClasses,
            Distance distance) {
        check(references, referenceClasses, queries, queryClasses);
        double correct = 0;
        int tied = 0;
        for (int q = 0; q < queries.length; q++) {
            double best = Double.POSITIVE_INFINITY;
            int nearest = 0;
            int nearestOfClass = 0;
            for (int r = 0; r < references.length; r++) {
                double d = distance.dissimilarity(distance.value(queries[q], references[r]));
                if (Double.isNaN(d)) {
                    throw new IllegalArgumentException(
                            "dissimilarity of query " + q + " and reference " + r + " is NaN");
                }
                int cmp = Double.compare(d, best);
                if (cmp < 0 || nearest == 0) {
                    best = d;
                    nearest = 1;
                    nearestOfClass = referenceClasses[r] == queryClasses[q] ? 1 : 0;
                } else if (cmp == 0) {
                    nearest++;
                    if (referenceClasses[r] == queryClasses[q]) {
                        nearestOfClass++;
                    }
                }
            }
            if (nearest > 1) {
                tied++;
            }
            correct += nearestOfClass / (double) nearest;
        }
        return new Result(correct / queries.length, queries.length, tied);
    }

    private static void check(
            float[][] references, int[] referenceClasses, float[][] queries, int[] queryClasses) {
        if (references.length == 0) {
            throw new IllegalArgumentException("1-NN needs at least one reference row, got none");
        }
        if (queries.length == 0) {
            throw new IllegalArgumentException("1-NN needs at least one query row, got none");
        }
        if (referenceClasses.length != references.length) {
            throw new IllegalArgumentException(
                    references.length
                            + " reference rows but "
                            + referenceClasses.length
                            + " reference classes");
        }
        if (queryClasses.length != queries.length) {
            throw new IllegalArgumentException(
                    queries.length + " query rows but " + queryClasses.length + " query classes");
        }
        int dim = references[0].length;
        for (int i = 0; i < references.length; i++) {
            if (references[i].length != dim) {
                throw new IllegalArgumentException(
                        "reference row "
                                + i
                                + " has "
                                + references[i].length
                                + " values, reference row 0 has "
                                + dim);
            }
            if (referenceClasses[i] < 0) {
                throw new IllegalArgumentException(
                        "reference row " + i + " has class " + referenceClasses[i]);
            }
        }
        for (int i = 0; i < queries.length; i++) {
            if (queries[i].length != dim) {
                throw new IllegalArgumentException(
                        "query row "
                                + i
                                + " has "
                                + queries[i].length
                                + " values, reference rows have "
                                + dim);
            }
            if (queryClasses[i] < 0) {
                throw new IllegalArgumentException(
                        "query row " + i + " has class " + queryClasses[i]);
            }
        }
    }
}
