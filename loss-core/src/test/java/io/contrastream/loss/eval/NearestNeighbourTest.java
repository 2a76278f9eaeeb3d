package io.contrastream.loss.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.contrastream.loss.distance.CosineSimilarity;
import io.contrastream.loss.distance.Distance;
import io.contrastream.loss.distance.EuclideanDistance;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link NearestNeighbour} against a two-pass brute force written from the definition. */
class NearestNeighbourTest {

    /**
     * For each query: every dissimilarity into a list, its minimum, then the classes of all rows at
     * that minimum; the query scores the share of them that are its class.
     */
    private static double bruteForce(
            float[][] refs,
            int[] refClasses,
            float[][] queries,
            int[] queryClasses,
            Distance dist) {
        double total = 0;
        for (int q = 0; q < queries.length; q++) {
            List<Double> ds = new ArrayList<>();
            for (float[] r : refs) {
                ds.add(dist.dissimilarity(dist.value(queries[q], r)));
            }
            double min = Collections.min(ds);
            int at = 0;
            int right = 0;
            for (int r = 0; r < refs.length; r++) {
                if (ds.get(r) == min) {
                    at++;
                    if (refClasses[r] == queryClasses[q]) right++;
                }
            }
            total += right / (double) at;
        }
        return total / queries.length;
    }

    private static float[][] grid(Random random, int n, int dim, int levels) {
        float[][] rows = new float[n][dim];
        for (float[] row : rows) {
            for (int k = 0; k < dim; k++) row[k] = random.nextInt(levels);
        }
        return rows;
    }

    private static int[] classes(Random random, int n, int k) {
        int[] c = new int[n];
        for (int i = 0; i < n; i++) c[i] = random.nextInt(k);
        return c;
    }

    @Test
    void agreesWithBruteForceOnSmallRandomDataWithTies() {
        Random random = new Random(17);
        Distance[] distances = {
            new EuclideanDistance(0), new EuclideanDistance(), new CosineSimilarity()
        };
        int tiedSeen = 0;
        for (int trial = 0; trial < 150; trial++) {
            int dim = 1 + random.nextInt(3);
            int levels = 2 + random.nextInt(3); // a coarse grid: many equal distances
            float[][] refs = grid(random, 1 + random.nextInt(30), dim, levels);
            float[][] queries = grid(random, 1 + random.nextInt(20), dim, levels);
            int[] refClasses = classes(random, refs.length, 3);
            int[] queryClasses = classes(random, queries.length, 3);
            Distance dist = distances[trial % distances.length];
            NearestNeighbour.Result r =
                    NearestNeighbour.accuracy(refs, refClasses, queries, queryClasses, dist);
            assertThat(r.accuracy())
                    .as("trial %d", trial)
                    .isCloseTo(
                            bruteForce(refs, refClasses, queries, queryClasses, dist),
                            within(1e-12));
            assertThat(r.queries()).isEqualTo(queries.length);
            tiedSeen += r.tiedQueries();
        }
        assertThat(tiedSeen).as("the data had ties to share").isPositive();
    }

    @Test
    void agreesWithBruteForceOnContinuousData() {
        Random random = new Random(3);
        float[][] refs = new float[200][8];
        float[][] queries = new float[60][8];
        int[] refClasses = classes(random, refs.length, 4);
        int[] queryClasses = classes(random, queries.length, 4);
        for (int i = 0; i < refs.length; i++)
            for (int k = 0; k < 8; k++)
                refs[i][k] = (float) (random.nextGaussian() + refClasses[i]);
        for (int i = 0; i < queries.length; i++)
            for (int k = 0; k < 8; k++)
                queries[i][k] = (float) (random.nextGaussian() + queryClasses[i]);
        Distance dist = new EuclideanDistance(0);
        NearestNeighbour.Result r =
                NearestNeighbour.accuracy(refs, refClasses, queries, queryClasses, dist);
        assertThat(r.accuracy())
                .isCloseTo(
                        bruteForce(refs, refClasses, queries, queryClasses, dist), within(1e-12));
        assertThat(r.tiedQueries()).isZero();
        assertThat(r.accuracy()).isGreaterThan(0.5); // the classes are separated
    }

    @Test
    void tiedNeighboursShareTheVoteWhateverTheirOrder() {
        float[][] refs = {{1, 0}, {1, 0}, {5, 5}};
        float[][] query = {{1, 0}};
        Distance dist = new EuclideanDistance(0);
        NearestNeighbour.Result a =
                NearestNeighbour.accuracy(refs, new int[] {0, 1, 0}, query, new int[] {0}, dist);
        NearestNeighbour.Result b =
                NearestNeighbour.accuracy(refs, new int[] {1, 0, 0}, query, new int[] {0}, dist);
        assertThat(a.accuracy()).isEqualTo(0.5);
        assertThat(b.accuracy()).isEqualTo(0.5);
        assertThat(a.tiedQueries()).isEqualTo(1);
        // Two nearest of the query's class out of three equally near: 2/3.
        float[][] three = {{0, 1}, {1, 0}, {0, -1}};
        assertThat(
                        NearestNeighbour.accuracy(
                                        three,
                                        new int[] {2, 2, 7},
                                        new float[][] {{0, 0}},
                                        new int[] {2},
                                        dist)
                                .accuracy())
                .isCloseTo(2.0 / 3.0, within(1e-15));
    }

    @Test
    void theModelsDistanceDecidesWhichRowIsNearest() {
        // The query (0.5, 0.6): (1, 0) is nearer in Euclidean distance, (4, 4) points almost its
        // way.
        float[][] refs = {{1, 0}, {4, 4}};
        int[] refClasses = {0, 1};
        float[][] queries = {{0.5f, 0.6f}};
        int[] queryClasses = {1};
        assertThat(
                        NearestNeighbour.accuracy(
                                        refs,
                                        refClasses,
                                        queries,
                                        queryClasses,
                                        new EuclideanDistance(0))
                                .accuracy())
                .isEqualTo(0.0);
        assertThat(
                        NearestNeighbour.accuracy(
                                        refs,
                                        refClasses,
                                        queries,
                                        queryClasses,
                                        new CosineSimilarity())
                                .accuracy())
                .isEqualTo(1.0);
    }

    @Test
    void degenerateInputsAreRefusedWithTheReason() {
        Distance dist = new EuclideanDistance(0);
        float[][] one = {{1, 2}};
        int[] c = {0};
        assertThatThrownBy(
                        () -> NearestNeighbour.accuracy(new float[0][], new int[0], one, c, dist))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("1-NN needs at least one reference row, got none");
        assertThatThrownBy(
                        () -> NearestNeighbour.accuracy(one, c, new float[0][], new int[0], dist))
                .hasMessage("1-NN needs at least one query row, got none");
        assertThatThrownBy(() -> NearestNeighbour.accuracy(one, new int[] {0, 1}, one, c, dist))
                .hasMessage("1 reference rows but 2 reference classes");
        assertThatThrownBy(() -> NearestNeighbour.accuracy(one, c, one, new int[0], dist))
                .hasMessage("1 query rows but 0 query classes");
        assertThatThrownBy(
                        () ->
                                NearestNeighbour.accuracy(
                                        new float[][] {{1, 2}, {1}},
                                        new int[] {0, 0},
                                        one,
                                        c,
                                        dist))
                .hasMessage("reference row 1 has 1 values, reference row 0 has 2");
        assertThatThrownBy(
                        () -> NearestNeighbour.accuracy(one, c, new float[][] {{1, 2, 3}}, c, dist))
                .hasMessage("query row 0 has 3 values, reference rows have 2");
        assertThatThrownBy(() -> NearestNeighbour.accuracy(one, new int[] {-1}, one, c, dist))
                .hasMessage("reference row 0 has class -1");
        assertThatThrownBy(
                        () ->
                                NearestNeighbour.accuracy(
                                        one, c, new float[][] {{Float.NaN, 0}}, c, dist))
                .hasMessage("dissimilarity of query 0 and reference 0 is NaN");
    }
}
