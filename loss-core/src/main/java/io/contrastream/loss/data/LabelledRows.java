package io.contrastream.loss.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPInputStream;

/**
 * A small labelled data set held in memory: feature rows and an integer class per row. Pairs for
 * training and evaluation are drawn from it by {@link PairSampler}.
 */
public final class LabelledRows {

    private final float[][] features;
    private final int[] classes;

    /**
     * @param features one row per item, all of one length
     * @param classes the class of each row, >= 0
     */
    public LabelledRows(float[][] features, int[] classes) {
        if (features.length != classes.length) {
            throw new IllegalArgumentException(
                    features.length + " feature rows but " + classes.length + " classes");
        }
        for (int i = 0; i < features.length; i++) {
            if (features[i].length != features[0].length) {
                throw new IllegalArgumentException(
                        "row "
                                + i
                                + " has "
                                + features[i].length
                                + " values, row 0 has "
                                + features[0].length);
            }
            if (classes[i] < 0) {
                throw new IllegalArgumentException("row " + i + " has class " + classes[i]);
            }
        }
        this.features = features;
        this.classes = classes;
    }

    /**
     * Reads a CSV file (gzip-compressed if its name ends in {@code .gz}) with no header: feature
     * columns, then the integer class last. Each feature is multiplied by {@code scale} (1/16 turns
     * the digits' pixel counts into [0, 1]).
     *
     * @throws IOException if the file cannot be read, or a line is malformed (naming the line)
     */
    public static LabelledRows readCsv(Path file, float scale) throws IOException {
        try (InputStream raw = Files.newInputStream(file)) {
            InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
            return readCsv(in, scale, file.toString());
        }
    }

    /** As {@link #readCsv(Path, float)}, from a stream; {@code source} names it in errors. */
    public static LabelledRows readCsv(InputStream in, float scale, String source)
            throws IOException {
        List<float[]> rows = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        BufferedReader reader =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNumber = 0;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",");
            if (cells.length < 2) {
                throw new IOException(source + " line " + lineNumber + ": fewer than 2 columns");
            }
            float[] row = new float[cells.length - 1];
            try {
                for (int i = 0; i < row.length; i++) {
                    row[i] = Float.parseFloat(cells[i].strip()) * scale;
                }
                labels.add(Integer.parseInt(cells[cells.length - 1].strip()));
            } catch (NumberFormatException e) {
                throw new IOException(source + " line " + lineNumber + ": " + e.getMessage(), e);
            }
            rows.add(row);
        }
        int[] classes = new int[labels.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = labels.get(i);
        }
        return new LabelledRows(rows.toArray(new float[0][]), classes);
    }

    /** Number of rows. */
    public int size() {
        return classes.length;
    }

    /** Length of every feature row. */
    public int dimension() {
        return features.length == 0 ? 0 : features[0].length;
    }

    /** The features of row {@code i} (shared, not copied: do not modify). */
    public float[] features(int i) {
        return features[i];
    }

    /** The class of row {@code i}. */
    public int classOf(int i) {
        return classes[i];
    }

    /** The number of classes: one more than the largest class. */
    public int classCount() {
        int max = -1;
        for (int c : classes) {
            max = Math.max(max, c);
        }
        return max + 1;
    }

    /** The rows at the given indices, in that order. */
    public LabelledRows subset(int[] indices) {
        float[][] f = new float[indices.length][];
        int[] c = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            f[i] = features[indices[i]];
            c[i] = classes[indices[i]];
        }
        return new LabelledRows(f, c);
    }

    /**
     * A stratified split of {@code floor(trainFraction * size)} rows into the first part, the rest
     * into the second (as scikit-learn's {@code train_test_split} sizes it). Each class gets {@code
     * floor(trainFraction * classSize)} training rows, and the rows still to place go one each to
     * the classes with the largest remainders (lowest class first on ties). Within a class a seeded
     * shuffle picks the rows.
     *
     * @return {train, test}
     */
    public LabelledRows[] stratifiedSplit(double trainFraction, long seed) {
        int[][] indices = stratifiedSplitIndices(trainFraction, seed);
        return new LabelledRows[] {subset(indices[0]), subset(indices[1])};
    }

    /**
     * The row indices of {@link #stratifiedSplit}: {train indices, test indices}, each ascending.
     */
    public int[][] stratifiedSplitIndices(double trainFraction, long seed) {
        if (!(trainFraction > 0 && trainFraction < 1)) {
            throw new IllegalArgumentException(
                    "train fraction must be in (0, 1), got " + trainFraction);
        }
        int classCount = classCount();
        int[][] members = new int[classCount][];
        int[] cut = new int[classCount];
        double[] remainder = new double[classCount];
        int placed = 0;
        for (int c = 0; c < classCount; c++) {
            members[c] = membersOf(c);
            double ideal = trainFraction * members[c].length;
            cut[c] = (int) Math.floor(ideal);
            remainder[c] = ideal - cut[c];
            placed += cut[c];
        }
        for (int left = (int) Math.floor(trainFraction * size()) - placed; left > 0; left--) {
            int best = -1;
            for (int c = 0; c < classCount; c++) {
                if (cut[c] < members[c].length && (best < 0 || remainder[c] > remainder[best])) {
                    best = c;
                }
            }
            cut[best]++;
            remainder[best] = -1;
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] trainIdx = new int[size()];
        int[] testIdx = new int[size()];
        int nTrain = 0;
        int nTest = 0;
        for (int c = 0; c < classCount; c++) {
            shuffle(members[c], random);
            for (int i = 0; i < members[c].length; i++) {
                if (i < cut[c]) {
                    trainIdx[nTrain++] = members[c][i];
                } else {
                    testIdx[nTest++] = members[c][i];
                }
            }
        }
        int[] train = Arrays.copyOf(trainIdx, nTrain);
        int[] test = Arrays.copyOf(testIdx, nTest);
        Arrays.sort(train);
        Arrays.sort(test);
        return new int[][] {train, test};
    }

    int[] membersOf(int c) {
        int count = 0;
        for (int k : classes) {
            if (k == c) count++;
        }
        int[] members = new int[count];
        int n = 0;
        for (int i = 0; i < classes.length; i++) {
            if (classes[i] == c) members[n++] = i;
        }
        return members;
    }

    static void shuffle(int[] values, SplittableRandom random) {
        for (int i = values.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = values[i];
            values[i] = values[j];
            values[j] = t;
        }
    }
}
