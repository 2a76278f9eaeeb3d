package io.contrastream.job.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairLabel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evaluate stream against the protocol's samplers, drawn here independently: training and test
 * pairs in order, probe blocks unlabelled and alike at every point, and the scenarios.
 */
class ProtocolStreamTest {

    @TempDir Path dir;

    private static final JsonCodec<PairEvent> CODEC = JsonCodec.forType(PairEvent.class);

    private static List<PairEvent> read(Path file) throws Exception {
        List<PairEvent> events = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            events.add(CODEC.decode(line));
        }
        return events;
    }

    private static int row(io.contrastream.schema.Item item) {
        return Integer.parseInt(item.getId().substring("row-".length()));
    }

    private static PairLabel label(io.contrastream.loss.PairLabel l) {
        return l == io.contrastream.loss.PairLabel.SAME ? PairLabel.SAME : PairLabel.DIFFERENT;
    }

    @Test
    void standardStreamIsTheProtocolWithProbeBlocksBetween() throws Exception {
        LabelledRows all = ProtocolStream.digits();
        long seed = 3;
        EvaluationPlan plan =
                new EvaluationPlan(1, 300, 40, new int[] {200, 50, 300, 50}, 25, Scenario.STANDARD);
        Path file = dir.resolve("s.jsonl");
        ProtocolStream.Layout layout = ProtocolStream.write(all, plan, seed, file);
        List<PairEvent> events = read(file);
        assertThat(events).hasSize(300 + 3 * 25 + 40).hasSize(layout.lines());

        int[][] split = all.stratifiedSplitIndices(0.7, seed);
        LabelledRows train = all.subset(split[0]);
        LabelledRows test = all.subset(split[1]);
        PairSampler trainPairs = new PairSampler(train, 0.5, seed * 31 + 1);
        PairSampler testPairs = new PairSampler(test, 0.5, seed * 31 + 2);
        int line = 0;
        List<String> firstBlock = null;
        int block = 0;
        for (int i = 1; i <= 300; i++) {
            trainPairs.next();
            PairEvent e = events.get(line++);
            assertThat(e.getEventId()).isEqualTo(String.format("train-%07d", i));
            assertThat(row(e.getLeft())).isEqualTo(split[0][trainPairs.left()]);
            assertThat(row(e.getRight())).isEqualTo(split[0][trainPairs.right()]);
            assertThat(e.getLabel()).isEqualTo(label(trainPairs.label()));
            assertThat(e.getLeft().getFeatures().get(10))
                    .isEqualTo(all.features(row(e.getLeft()))[10]);
            if (i == 50 || i == 200 || i == 300) {
                PairSampler probe = new PairSampler(test, 0.5, seed * 31 + 3);
                List<String> ids = new ArrayList<>();
                ProtocolStream.ProbeBlock b = layout.probes().get(block);
                assertThat(b.point()).isEqualTo(i);
                assertThat(b.classes()).isEqualTo("0-9");
                for (int k = 1; k <= 25; k++) {
                    probe.next();
                    PairEvent p = events.get(line++);
                    assertThat(p.getEventId())
                            .isEqualTo(String.format("probe-%02d-%05d", block, k));
                    assertThat(p.getLabel()).isNull();
                    assertThat(row(p.getLeft())).isEqualTo(split[1][probe.left()]);
                    assertThat(row(p.getRight())).isEqualTo(split[1][probe.right()]);
                    assertThat(b.same()[k - 1])
                            .isEqualTo(probe.label() == io.contrastream.loss.PairLabel.SAME);
                    ids.add(p.getLeft().getId() + "/" + p.getRight().getId());
                    assertThat(layout.trainingPairsThrough(p.getEventTime().toEpochMilli()))
                            .isEqualTo(i);
                }
                if (firstBlock == null) firstBlock = ids;
                assertThat(ids).as("every probe block holds the same pairs").isEqualTo(firstBlock);
                block++;
            }
        }
        for (int k = 1; k <= 40; k++) {
            testPairs.next();
            PairEvent e = events.get(line++);
            assertThat(e.getEventId()).isEqualTo(String.format("test-%05d", k));
            assertThat(e.getLabel()).isNull();
            assertThat(row(e.getLeft())).isEqualTo(split[1][testPairs.left()]);
            assertThat(row(e.getRight())).isEqualTo(split[1][testPairs.right()]);
            assertThat(layout.testSame()[k - 1])
                    .isEqualTo(testPairs.label() == io.contrastream.loss.PairLabel.SAME);
        }
        assertThat(layout.trainingPairs()).isEqualTo(300);
        assertThat(layout.train().size()).isEqualTo(1257);
        assertThat(layout.test().size()).isEqualTo(540);
        assertThatThrownBy(() -> layout.trainingPairsThrough(ProtocolStream.FIRST_EVENT_TIME - 1))
                .hasMessageContaining("no line of the stream");
    }

    @Test
    void classShiftTrainsOnClassesZeroToFourThenFiveToNine() throws Exception {
        LabelledRows all = ProtocolStream.digits();
        EvaluationPlan plan =
                new EvaluationPlan(1, 400, 30, new int[] {100, 400}, 10, Scenario.CLASS_SHIFT);
        assertThat(plan.probePoints()).containsExactly(100, 200, 400);
        Path file = dir.resolve("c.jsonl");
        ProtocolStream.Layout layout = ProtocolStream.write(all, plan, 2, file);
        List<PairEvent> events = read(file);
        List<String> blocks = new ArrayList<>();
        for (ProtocolStream.ProbeBlock b : layout.probes()) {
            blocks.add(b.point() + ":" + b.classes());
        }
        assertThat(blocks).containsExactly("100:0-4", "200:0-4", "200:5-9", "400:5-9");
        int trained = 0;
        for (PairEvent e : events) {
            int left = all.classOf(row(e.getLeft()));
            int right = all.classOf(row(e.getRight()));
            String id = e.getEventId();
            if (id.startsWith("train-")) {
                trained++;
                int low = trained <= 200 ? 0 : 5;
                assertThat(left).as(id).isBetween(low, low + 4);
                assertThat(right).as(id).isBetween(low, low + 4);
            } else if (id.startsWith("test-")) {
                assertThat(left).isBetween(5, 9);
                assertThat(right).isBetween(5, 9);
            } else {
                int b = Integer.parseInt(id.split("-")[1]);
                int low = layout.probes().get(b).classes().equals("0-4") ? 0 : 5;
                assertThat(left).as(id).isBetween(low, low + 4);
            }
        }
        assertThat(layout.testClasses()).isEqualTo("5-9");
        assertThat(layout.switchPoint()).isEqualTo(200);
        assertThat(layout.scenario()).isEqualTo(Scenario.CLASS_SHIFT);
    }

    @Test
    void scaledStreamCarriesRawSensorUnits() throws Exception {
        LabelledRows all = ProtocolStream.digits();
        EvaluationPlan plan = new EvaluationPlan(1, 20, 5, new int[] {20}, 5, Scenario.SCALED);
        Path file = dir.resolve("x.jsonl");
        ProtocolStream.Layout layout = ProtocolStream.write(all, plan, 1, file);
        for (PairEvent e : read(file)) {
            float[] x = all.features(row(e.getLeft()));
            for (int k = 0; k < x.length; k++) {
                assertThat(e.getLeft().getFeatures().get(k)).isEqualTo(x[k] * 1000f + 50f);
            }
        }
        assertThat(layout.train().features(0)[0]).isGreaterThanOrEqualTo(50f);
    }

    @Test
    void planRefusesProbesOutsideTheStream() {
        assertThatThrownBy(
                        () ->
                                new EvaluationPlan(
                                        1, 100, 10, new int[] {50, 101}, 10, Scenario.STANDARD))
                .hasMessageStartingWith("--probes: 101 is outside 1..100");
        assertThat(
                        new EvaluationPlan(
                                        1, 100, 10, new int[] {50, 10, 50}, 10, Scenario.STANDARD)
                                .probes())
                .containsExactly(10, 50);
    }
}
