package io.contrastream.job.evaluate;

import io.contrastream.loss.PairLabel;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.schema.Item;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.PairEvent;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * One run's stream of the digits protocol (QUALITY.md) as a {@code replay} input: one PairEvent per
 * line (JSON), all for model {@value #MODEL}. In order: the labelled training pairs; after training
 * pair {@code p} for each probe point {@code p}, a block of unlabelled held-out pairs (the probe);
 * after the last training pair, the unlabelled test pairs of the protocol. Unlabelled pairs are
 * scored and never trained on, so the probes leave the final model as it would be without them.
 *
 * <p>Seed {@code s} draws everything as {@code ReferenceProtocolTest} does: {@code
 * stratifiedSplit(0.7, s)}, training pairs from {@code PairSampler(train, 0.5, s * 31 + 1)}, test
 * pairs from {@code PairSampler(test, 0.5, s * 31 + 2)}. Probe blocks come from {@code
 * PairSampler(test, 0.5, s * 31 + 3)}, started afresh for each block: every probe point scores the
 * same held-out pairs, so the curve moves with the model only. In {@link Scenario#CLASS_SHIFT} the
 * first half of the training pairs come from the train rows of classes 0-4 (seed {@code s * 31 +
 * 1}), the second half from those of classes 5-9 ({@code s * 31 + 5}); probes up to the switch from
 * the test rows of 0-4 ({@code s * 31 + 3}), from the switch on from those of 5-9 ({@code s * 31 +
 * 4}; at the switch both blocks, first 0-4); test pairs from the test rows of 5-9.
 *
 * <p>Ids: events {@code train-0000001}, {@code probe-<block>-<i>} (block from 0, pair from 1),
 * {@code test-00001}; items {@code row-N}, N the row of {@code digits.csv.gz}. Event times are 1 ms
 * apart from {@value #FIRST_EVENT_TIME} (line {@code k}, from 0, at {@code FIRST_EVENT_TIME + k}),
 * so that an alert's event time names the line that raised it.
 */
public final class ProtocolStream {

    /** The model every event trains. */
    public static final String MODEL = "digits";

    /** Event time of the first line, epoch milliseconds (2023-11-14T22:13:20Z). */
    public static final long FIRST_EVENT_TIME = 1_700_000_000_000L;

    /** Event-id prefix of training pairs. */
    public static final String TRAIN_PREFIX = "train-";

    /** Event-id prefix of probe pairs. */
    public static final String PROBE_PREFIX = "probe-";

    /** Event-id prefix of the final test pairs. */
    public static final String TEST_PREFIX = "test-";

    /** Classes of the first phase of {@link Scenario#CLASS_SHIFT}: 0 to this, exclusive. */
    public static final int SHIFT_FIRST_CLASSES = 5;

    private ProtocolStream() {}

    /**
     * A block of unlabelled held-out pairs in the stream.
     *
     * @param index the block's position among the blocks, from 0 (its event ids' block number)
     * @param point training pairs before it
     * @param classes the classes its pairs come from, as text ("0-9", "0-4", "5-9")
     * @param same for each of its pairs in order, true for a SAME pair (the labels the file hides)
     */
    public record ProbeBlock(int index, int point, String classes, boolean[] same) {}

    /** What a written stream holds, to measure the engine's outputs against. */
    public static final class Layout {
        private final long seed;
        private final Scenario scenario;
        private final int switchPoint;
        private final LabelledRows train;
        private final LabelledRows test;
        private final boolean[] testSame;
        private final String testClasses;
        private final List<ProbeBlock> probes;
        private final int[] trainedThrough;
        private final int trainingPairs;

        Layout(
                long seed,
                Scenario scenario,
                int switchPoint,
                LabelledRows train,
                LabelledRows test,
                boolean[] testSame,
                String testClasses,
                List<ProbeBlock> probes,
                int[] trainedThrough,
                int trainingPairs) {
            this.seed = seed;
            this.scenario = scenario;
            this.switchPoint = switchPoint;
            this.train = train;
            this.test = test;
            this.testSame = testSame;
            this.testClasses = testClasses;
            this.probes = Collections.unmodifiableList(probes);
            this.trainedThrough = trainedThrough;
            this.trainingPairs = trainingPairs;
        }

        /** The seed the stream was drawn with. */
        public long seed() {
            return seed;
        }

        /** The scenario the stream was drawn for. */
        public Scenario scenario() {
            return scenario;
        }

        /** Training pairs before the switch of {@link Scenario#CLASS_SHIFT}. */
        public int switchPoint() {
            return switchPoint;
        }

        /** The train rows of the split, as the stream carries them (all classes). */
        public LabelledRows train() {
            return train;
        }

        /** The test rows of the split, as the stream carries them (all classes). */
        public LabelledRows test() {
            return test;
        }

        /** For each final test pair in order, true for SAME. */
        public boolean[] testSame() {
            return testSame;
        }

        /** The classes the final test pairs come from, as text. */
        public String testClasses() {
            return testClasses;
        }

        /** The probe blocks, in stream order. */
        public List<ProbeBlock> probes() {
            return probes;
        }

        /** Lines of the file. */
        public int lines() {
            return trainedThrough.length;
        }

        /** Labelled training pairs in the stream. */
        public int trainingPairs() {
            return trainingPairs;
        }

        /**
         * Training pairs up to and including the line with event time {@code eventTimeMillis}.
         *
         * @throws IllegalArgumentException if no line has that event time
         */
        public int trainingPairsThrough(long eventTimeMillis) {
            long line = eventTimeMillis - FIRST_EVENT_TIME;
            if (line < 0 || line >= trainedThrough.length) {
                throw new IllegalArgumentException(
                        "no line of the stream has event time " + eventTimeMillis);
            }
            return trainedThrough[(int) line];
        }
    }

    /** The digits data (pixels / 16, values in [0, 1]) from the copy bundled on the classpath. */
    public static LabelledRows digits() throws IOException {
        try (InputStream in = ProtocolStream.class.getResourceAsStream("/data/digits.csv.gz")) {
            if (in == null) {
                throw new IOException("data/digits.csv.gz is not on the classpath");
            }
            return LabelledRows.readCsv(new GZIPInputStream(in), 1f / 16f, "digits.csv.gz");
        }
    }

    /** The rows as {@code scenario} puts them in the stream: {@link Scenario#SCALED} rescales. */
    public static LabelledRows asStreamed(LabelledRows all, Scenario scenario) {
        if (scenario != Scenario.SCALED) {
            return all;
        }
        float[][] f = new float[all.size()][];
        int[] c = new int[all.size()];
        for (int i = 0; i < f.length; i++) {
            float[] x = all.features(i);
            f[i] = new float[x.length];
            for (int k = 0; k < x.length; k++) {
                f[i][k] = x[k] * Scenario.SCALE + Scenario.SHIFT;
            }
            c[i] = all.classOf(i);
        }
        return new LabelledRows(f, c);
    }

    /**
     * Writes seed {@code seed} of {@code plan} to {@code file}.
     *
     * @param all the digits rows, as {@link #digits} reads them (the scenario is applied here)
     */
    public static Layout write(LabelledRows all, EvaluationPlan plan, long seed, Path file)
            throws IOException {
        LabelledRows rows = asStreamed(all, plan.scenario());
        int[][] split = rows.stratifiedSplitIndices(0.7, seed);
        boolean shift = plan.scenario() == Scenario.CLASS_SHIFT;
        int half = plan.switchPoint();
        int[] trainA = shift ? ofClasses(rows, split[0], 0, SHIFT_FIRST_CLASSES) : split[0];
        int[] trainB =
                shift ? ofClasses(rows, split[0], SHIFT_FIRST_CLASSES, Integer.MAX_VALUE) : null;
        int[] testA = shift ? ofClasses(rows, split[1], 0, SHIFT_FIRST_CLASSES) : split[1];
        int[] testB =
                shift ? ofClasses(rows, split[1], SHIFT_FIRST_CLASSES, Integer.MAX_VALUE) : null;
        String all09 = classRange(rows, split[1]);
        String classesA = shift ? classRange(rows, testA) : all09;
        String classesB = shift ? classRange(rows, testB) : null;

        int[] points = plan.probePoints();
        // At the switch, class-shift probes both phases' classes.
        int blocks = points.length + (shift && contains(points, half) ? 1 : 0);
        int lines = plan.pairs() + blocks * plan.probePairs() + plan.testPairs();
        int[] trainedThrough = new int[lines];
        List<ProbeBlock> probes = new ArrayList<>();
        Item[] items = new Item[rows.size()];
        JsonCodec<PairEvent> codec = JsonCodec.forType(PairEvent.class);
        int line = 0;
        int trained = 0;
        boolean[] testSame = new boolean[plan.testPairs()];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            Source train = new Source(rows, trainA, seed * 31 + 1);
            Source trainSecond = shift ? new Source(rows, trainB, seed * 31 + 5) : null;
            int next = 0;
            for (int i = 1; i <= plan.pairs(); i++) {
                Source s = shift && i > half ? trainSecond : train;
                s.next();
                write(
                        out,
                        codec,
                        event(
                                String.format("%s%07d", TRAIN_PREFIX, i),
                                item(rows, items, s.left()),
                                item(rows, items, s.right()),
                                s.label(),
                                FIRST_EVENT_TIME + line));
                trained++;
                trainedThrough[line++] = trained;
                while (next < points.length && points[next] == i) {
                    List<ProbeSource> due = new ArrayList<>();
                    if (!shift || i <= half) {
                        due.add(new ProbeSource(testA, seed * 31 + 3, classesA));
                    }
                    if (shift && i >= half) {
                        due.add(new ProbeSource(testB, seed * 31 + 4, classesB));
                    }
                    for (ProbeSource d : due) {
                        Source probe = new Source(rows, d.rows(), d.seed());
                        int index = probes.size();
                        boolean[] same = new boolean[plan.probePairs()];
                        for (int k = 1; k <= plan.probePairs(); k++) {
                            probe.next();
                            same[k - 1] = probe.label() == PairLabel.SAME;
                            write(
                                    out,
                                    codec,
                                    event(
                                            String.format("%s%02d-%05d", PROBE_PREFIX, index, k),
                                            item(rows, items, probe.left()),
                                            item(rows, items, probe.right()),
                                            null,
                                            FIRST_EVENT_TIME + line));
                            trainedThrough[line++] = trained;
                        }
                        probes.add(new ProbeBlock(index, i, d.classes(), same));
                    }
                    next++;
                }
            }
            Source test = new Source(rows, shift ? testB : split[1], seed * 31 + 2);
            for (int k = 1; k <= plan.testPairs(); k++) {
                test.next();
                testSame[k - 1] = test.label() == PairLabel.SAME;
                write(
                        out,
                        codec,
                        event(
                                String.format("%s%05d", TEST_PREFIX, k),
                                item(rows, items, test.left()),
                                item(rows, items, test.right()),
                                null,
                                FIRST_EVENT_TIME + line));
                trainedThrough[line++] = trained;
            }
        }
        if (line != lines) {
            throw new IllegalStateException("wrote " + line + " lines, planned " + lines);
        }
        return new Layout(
                seed,
                plan.scenario(),
                half,
                rows.subset(split[0]),
                rows.subset(split[1]),
                testSame,
                shift ? classesB : all09,
                probes,
                trainedThrough,
                trained);
    }

    /** Where a probe block's pairs come from: row indices, sampler seed, classes as text. */
    private record ProbeSource(int[] rows, long seed, String classes) {}

    /** Pairs of some rows of {@code rows}, named by their row indices in {@code rows}. */
    private static final class Source {
        private final int[] rowIndex;
        private final PairSampler sampler;

        Source(LabelledRows rows, int[] rowIndex, long seed) {
            this.rowIndex = rowIndex;
            this.sampler = new PairSampler(rows.subset(rowIndex), 0.5, seed);
        }

        void next() {
            sampler.next();
        }

        int left() {
            return rowIndex[sampler.left()];
        }

        int right() {
            return rowIndex[sampler.right()];
        }

        PairLabel label() {
            return sampler.label();
        }
    }

    private static boolean contains(int[] values, int v) {
        for (int x : values) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /** The indices among {@code indices} whose class is in {@code [from, to)}. */
    private static int[] ofClasses(LabelledRows rows, int[] indices, int from, int to) {
        return java.util.Arrays.stream(indices)
                .filter(i -> rows.classOf(i) >= from && rows.classOf(i) < to)
                .toArray();
    }

    /** "lowest-highest" class among the rows at {@code indices}. */
    private static String classRange(LabelledRows rows, int[] indices) {
        int lo = Integer.MAX_VALUE;
        int hi = Integer.MIN_VALUE;
        for (int i : indices) {
            lo = Math.min(lo, rows.classOf(i));
            hi = Math.max(hi, rows.classOf(i));
        }
        return lo + "-" + hi;
    }

    private static void write(OutputStream out, JsonCodec<PairEvent> codec, PairEvent event)
            throws IOException {
        out.write(codec.encode(event));
        out.write('\n');
    }

    /** A pair event of model {@value #MODEL}: unlabelled when {@code label} is null. */
    public static PairEvent event(String id, Item left, Item right, PairLabel label, long time) {
        return PairEvent.newBuilder()
                .setEventId(id)
                .setModel(MODEL)
                .setLeft(left)
                .setRight(right)
                .setLabel(
                        label == null
                                ? null
                                : label == PairLabel.SAME
                                        ? io.contrastream.schema.PairLabel.SAME
                                        : io.contrastream.schema.PairLabel.DIFFERENT)
                .setEventTime(Instant.ofEpochMilli(time))
                .build();
    }

    /**
     * The item of row {@code row} ({@code row-N}), built once per row and kept in {@code items}.
     */
    public static Item item(LabelledRows rows, Item[] items, int row) {
        if (items[row] == null) {
            float[] f = rows.features(row);
            List<Float> values = new ArrayList<>(f.length);
            for (float v : f) {
                values.add(v);
            }
            items[row] = Item.newBuilder().setId("row-" + row).setFeatures(values).build();
        }
        return items[row];
    }
}
