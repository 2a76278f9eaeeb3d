package io.contrastream.job.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrastream.schema.AlertKind;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.LossMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** LossMetrics and ChangeAlert records in, the page's JSON state out, values checked. */
class DashboardStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long T0 = 1_700_000_000_000L;

    private static LossMetrics metrics(
            String model, long startMs, long endMs, long count, Double loss, Double auc) {
        return LossMetrics.newBuilder()
                .setModel(model)
                .setModelVersion(count)
                .setWindowStart(Instant.ofEpochMilli(startMs))
                .setWindowEnd(Instant.ofEpochMilli(endMs))
                .setCount(count)
                .setLabelledCount(count / 2)
                .setMeanLoss(loss)
                .setMeanPositiveDistance(0.25)
                .setMeanNegativeDistance(loss == null ? null : 1.5)
                .setRocAuc(auc)
                .setThreshold(0.75)
                .setParameterNorm(1.0)
                .setSkippedUpdates(0)
                .build();
    }

    private static ChangeAlert alert(String model, AlertKind kind, long timeMs, String id) {
        boolean pair = kind == AlertKind.CHANGE || kind == AlertKind.DUPLICATE;
        return ChangeAlert.newBuilder()
                .setAlertId("a-" + id)
                .setKind(kind)
                .setModel(model)
                .setEventId(pair ? id : null)
                .setDistance(pair ? 2.0 : null)
                .setThreshold(pair ? 0.75 : null)
                .setModelVersion(7)
                .setEventTime(Instant.ofEpochMilli(timeMs))
                .setDetail(pair ? "" : "ADWIN fired")
                .build();
    }

    private static JsonNode json(DashboardState state) throws Exception {
        return JSON.readTree(state.toJson());
    }

    @Test
    void metricsBecomeSeriesPerModelWithRatesAndGaps() throws Exception {
        DashboardState state = new DashboardState("test", 10, 5);
        state.add(metrics("north", T0, T0 + 2_000, 500, 0.5, 0.9));
        state.add(metrics("north", T0 + 2_000, T0 + 4_000, 1_000, null, null));
        state.add(metrics("south", T0, T0, 1, 0.125, null)); // one event: no rate

        JsonNode root = json(state);
        assertThat(root.get("source").asText()).isEqualTo("test");
        assertThat(root.get("records").get("metrics").asLong()).isEqualTo(3);
        JsonNode north = root.get("models").get("north").get("series");
        assertThat(north.get("t"))
                .extracting(JsonNode::asDouble)
                .containsExactly((T0 + 2_000) / 1000.0, (T0 + 4_000) / 1000.0);
        assertThat(north.get("loss").get(0).asDouble()).isEqualTo(0.5);
        assertThat(north.get("loss").get(1).isNull()).isTrue(); // undefined on its window: a gap
        assertThat(north.get("rocAuc").get(0).asDouble()).isEqualTo(0.9);
        assertThat(north.get("positiveDistance").get(1).asDouble()).isEqualTo(0.25);
        assertThat(north.get("negativeDistance").get(0).asDouble()).isEqualTo(1.5);
        assertThat(north.get("threshold").get(1).asDouble()).isEqualTo(0.75);
        // 500 pairs over 2 s of event time, then 1,000 over 2 s
        assertThat(north.get("eventsPerSecond"))
                .extracting(JsonNode::asDouble)
                .containsExactly(250.0, 500.0);
        JsonNode south = root.get("models").get("south");
        assertThat(south.get("series").get("eventsPerSecond").get(0).isNull()).isTrue();
        assertThat(south.get("latest").get("loss").asDouble()).isEqualTo(0.125);
        assertThat(south.get("latest").get("rocAuc").isNull()).isTrue();
        JsonNode latest = root.get("models").get("north").get("latest");
        assertThat(latest.get("modelVersion").asLong()).isEqualTo(1_000);
        assertThat(latest.get("time").asLong()).isEqualTo(T0 + 4_000);
    }

    @Test
    void keepsTheLastPointsInEventTimeOrder() throws Exception {
        DashboardState state = new DashboardState("test", 3, 5);
        // out of order, as two partitions interleave
        for (long end : new long[] {5, 1, 3, 2, 4, 6}) {
            state.add(metrics("m", T0 + end * 1000 - 500, T0 + end * 1000, 10, 0.1, 0.5));
        }
        assertThat(state.windowEnds("m")).containsExactly(T0 + 4000, T0 + 5000, T0 + 6000);
        assertThat(state.points("m")).isEqualTo(3);
        assertThat(json(state).get("models").get("m").get("series").get("t")).hasSize(3);
    }

    @Test
    void alertsCountPerSecondAndTheLatestAreKept() throws Exception {
        DashboardState state = new DashboardState("test", 10, 3);
        state.add(alert("north", AlertKind.CHANGE, T0 + 100, "e1"));
        state.add(alert("north", AlertKind.CHANGE, T0 + 900, "e2"));
        state.add(alert("north", AlertKind.DUPLICATE, T0 + 3_200, "e3")); // 2 s without alerts
        state.add(alert("north", AlertKind.DRIFT, T0 + 3_500, "d1"));
        state.add(alert("south", AlertKind.CHANGE, T0 + 50, "e4"));

        JsonNode root = json(state);
        JsonNode rate = root.get("models").get("north").get("alertRate");
        long s0 = T0 / 1000;
        assertThat(rate.get("t"))
                .extracting(JsonNode::asLong)
                .containsExactly(s0, s0 + 1, s0 + 2, s0 + 3);
        assertThat(rate.get("perSecond"))
                .extracting(JsonNode::asLong)
                .containsExactly(2L, 0L, 0L, 2L);
        JsonNode north = root.get("models").get("north");
        assertThat(north.get("alerts").asLong()).isEqualTo(4);
        assertThat(north.get("alertsByKind").get("CHANGE").asLong()).isEqualTo(2);
        assertThat(north.get("alertsByKind").get("DRIFT").asLong()).isEqualTo(1);
        // A model with alerts only has empty metrics series and no latest window.
        assertThat(root.get("models").get("south").get("series").get("t")).isEmpty();

        // Newest first, at most 3.
        List<String> kinds = new ArrayList<>();
        root.get("alerts")
                .forEach(a -> kinds.add(a.get("model").asText() + "/" + a.get("kind").asText()));
        assertThat(kinds).containsExactly("south/CHANGE", "north/DRIFT", "north/DUPLICATE");
        JsonNode drift = root.get("alerts").get(1);
        assertThat(drift.get("distance").isNull()).isTrue();
        assertThat(drift.get("eventId").isNull()).isTrue();
        assertThat(drift.get("detail").asText()).isEqualTo("ADWIN fired");
        JsonNode dup = root.get("alerts").get(2);
        assertThat(dup.get("distance").asDouble()).isEqualTo(2.0);
        assertThat(dup.get("time").asLong()).isEqualTo(T0 + 3_200);
        assertThat(root.get("records").get("alerts").asLong()).isEqualTo(5);
    }

    @Test
    void alertSecondsAreBounded() throws Exception {
        DashboardState state = new DashboardState("test", 4, 1);
        for (int s = 0; s < 100; s += 10) {
            state.add(alert("m", AlertKind.CHANGE, T0 + s * 1000L, "e" + s));
        }
        JsonNode rate = json(state).get("models").get("m").get("alertRate");
        // the last 4 seconds with an alert are held, and at most 4 seconds are drawn
        assertThat(rate.get("t")).hasSize(4);
        assertThat(rate.get("t").get(3).asLong()).isEqualTo(T0 / 1000 + 90);
        assertThat(rate.get("perSecond"))
                .extracting(JsonNode::asLong)
                .containsExactly(0L, 0L, 0L, 1L);
    }

    @Test
    void refusesUselessLimits() {
        assertThatThrownBy(() -> new DashboardState("x", 1, 5))
                .hasMessageContaining("maxPoints must be >= 2, got 1");
        assertThatThrownBy(() -> new DashboardState("x", 2, 0))
                .hasMessageContaining("maxAlerts must be >= 1, got 0");
    }
}
