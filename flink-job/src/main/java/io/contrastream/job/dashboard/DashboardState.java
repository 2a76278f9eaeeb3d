package io.contrastream.job.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.LossMetrics;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the dashboard shows, built from the job's outputs: per model the last {@code maxPoints}
 * loss-metrics windows (loss, ROC-AUC, mean positive and negative distance, threshold, events per
 * second) and alerts per second of event time over its last {@code maxPoints} seconds with an
 * alert, and the last {@code maxAlerts} alerts of all models. Memory is bounded by these limits and
 * the number of models; the oldest points are dropped first.
 *
 * <p>Edge cases: a metric that is null in the record (undefined on its window) is null in the JSON,
 * and the page draws a gap. Events per second is the window's count over its event-time span; a
 * window of one event (span 0) has none. Records arriving out of event-time order (several
 * partitions, several subtasks) are put in order. Alert rates count every alert kind by the second
 * of its event time; seconds without an alert between the first and last counted second are zero.
 * Thread-safe: a feed thread adds records while the HTTP server renders.
 */
public final class DashboardState {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int maxPoints;
    private final int maxAlerts;
    private final String source;
    private final Map<String, ModelSeries> models = new TreeMap<>();
    private final ArrayDeque<ChangeAlert> latestAlerts = new ArrayDeque<>();
    private long metricsRecords;
    private long alertRecords;
    private long unreadable;

    /**
     * @param source what the state is read from, shown on the page (e.g. the broker's address)
     * @param maxPoints points kept per model and series, at least 2
     * @param maxAlerts latest alerts kept for the table, at least 1
     */
    public DashboardState(String source, int maxPoints, int maxAlerts) {
        if (maxPoints < 2) {
            throw new IllegalArgumentException("maxPoints must be >= 2, got " + maxPoints);
        }
        if (maxAlerts < 1) {
            throw new IllegalArgumentException("maxAlerts must be >= 1, got " + maxAlerts);
        }
        this.source = source;
        this.maxPoints = maxPoints;
        this.maxAlerts = maxAlerts;
    }

    /** Adds one loss-metrics window. */
    public synchronized void add(LossMetrics m) {
        metricsRecords++;
        series(m.getModel()).add(new Point(m));
    }

    /** Adds one alert. */
    public synchronized void add(ChangeAlert a) {
        alertRecords++;
        series(a.getModel()).addAlert(a);
        latestAlerts.addFirst(a);
        while (latestAlerts.size() > maxAlerts) {
            latestAlerts.removeLast();
        }
    }

    /** Counts a record that could not be decoded (shown on the page; never fails the feed). */
    public synchronized void addUnreadable() {
        unreadable++;
    }

    /** Metrics windows held for {@code model} (at most {@code maxPoints}). */
    public synchronized int points(String model) {
        ModelSeries s = models.get(model);
        return s == null ? 0 : s.points.size();
    }

    /** Loss-metrics records read so far. */
    public synchronized long metricsRecords() {
        return metricsRecords;
    }

    /** Alert records read so far. */
    public synchronized long alertRecords() {
        return alertRecords;
    }

    private ModelSeries series(String model) {
        return models.computeIfAbsent(model, k -> new ModelSeries());
    }

    /** The state as the JSON document {@code /api/state} serves. */
    public synchronized String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("source", source);
        root.put("generatedAt", System.currentTimeMillis());
        root.put("maxPoints", maxPoints);
        ObjectNode counts = root.putObject("records");
        counts.put("metrics", metricsRecords);
        counts.put("alerts", alertRecords);
        counts.put("unreadable", unreadable);
        ObjectNode byModel = root.putObject("models");
        for (Map.Entry<String, ModelSeries> e : models.entrySet()) {
            e.getValue().render(byModel.putObject(e.getKey()));
        }
        ArrayNode alerts = root.putArray("alerts");
        for (ChangeAlert a : latestAlerts) {
            ObjectNode n = alerts.addObject();
            n.put("time", a.getEventTime().toEpochMilli());
            n.put("model", a.getModel());
            n.put("kind", a.getKind().name());
            n.put("eventId", a.getEventId());
            putNullable(n, "distance", a.getDistance());
            putNullable(n, "threshold", a.getThreshold());
            n.put("modelVersion", a.getModelVersion());
            n.put("detail", a.getDetail());
        }
        return root.toString();
    }

    private static void putNullable(ObjectNode n, String field, Double value) {
        if (value == null || !Double.isFinite(value)) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }

    /** One metrics window, reduced to what the page draws. */
    private record Point(
            long windowEnd,
            long modelVersion,
            Double loss,
            Double rocAuc,
            Double positiveDistance,
            Double negativeDistance,
            double threshold,
            Double eventsPerSecond) {

        Point(LossMetrics m) {
            this(
                    m.getWindowEnd().toEpochMilli(),
                    m.getModelVersion(),
                    m.getMeanLoss(),
                    m.getRocAuc(),
                    m.getMeanPositiveDistance(),
                    m.getMeanNegativeDistance(),
                    m.getThreshold(),
                    eventsPerSecond(m));
        }

        private static Double eventsPerSecond(LossMetrics m) {
            long spanMs = m.getWindowEnd().toEpochMilli() - m.getWindowStart().toEpochMilli();
            return spanMs <= 0 ? null : m.getCount() * 1000.0 / spanMs;
        }
    }

    /** One model's bounded series. */
    private final class ModelSeries {
        /** Ordered by window end, oldest first. */
        final ArrayList<Point> points = new ArrayList<>();

        /** Alerts per event-time second, the last {@code maxPoints} seconds with an alert. */
        final TreeMap<Long, long[]> alertsPerSecond = new TreeMap<>();

        long alerts;
        final Map<String, Long> alertsByKind = new TreeMap<>();

        void add(Point p) {
            int i = points.size();
            while (i > 0 && points.get(i - 1).windowEnd() > p.windowEnd()) {
                i--;
            }
            points.add(i, p);
            if (points.size() > maxPoints) {
                points.remove(0);
            }
        }

        void addAlert(ChangeAlert a) {
            alerts++;
            alertsByKind.merge(a.getKind().name(), 1L, Long::sum);
            long second = Math.floorDiv(a.getEventTime().toEpochMilli(), 1000L);
            alertsPerSecond.computeIfAbsent(second, k -> new long[1])[0]++;
            while (alertsPerSecond.size() > maxPoints) {
                alertsPerSecond.pollFirstEntry();
            }
        }

        void render(ObjectNode n) {
            n.put("alerts", alerts);
            ObjectNode kinds = n.putObject("alertsByKind");
            alertsByKind.forEach(kinds::put);
            ObjectNode s = n.putObject("series");
            ArrayNode t = s.putArray("t");
            ArrayNode version = s.putArray("modelVersion");
            ArrayNode loss = s.putArray("loss");
            ArrayNode auc = s.putArray("rocAuc");
            ArrayNode pos = s.putArray("positiveDistance");
            ArrayNode neg = s.putArray("negativeDistance");
            ArrayNode threshold = s.putArray("threshold");
            ArrayNode eps = s.putArray("eventsPerSecond");
            for (Point p : points) {
                t.add(p.windowEnd() / 1000.0);
                version.add(p.modelVersion());
                add(loss, p.loss());
                add(auc, p.rocAuc());
                add(pos, p.positiveDistance());
                add(neg, p.negativeDistance());
                add(threshold, p.threshold());
                add(eps, p.eventsPerSecond());
            }
            ObjectNode r = n.putObject("alertRate");
            ArrayNode rt = r.putArray("t");
            ArrayNode perSecond = r.putArray("perSecond");
            if (!alertsPerSecond.isEmpty()) {
                // Zero-filled between the first and last second held, at most maxPoints seconds.
                long last = alertsPerSecond.lastKey();
                long first = Math.max(alertsPerSecond.firstKey(), last - maxPoints + 1);
                Iterator<Map.Entry<Long, long[]>> it =
                        alertsPerSecond.tailMap(first, true).entrySet().iterator();
                Map.Entry<Long, long[]> next = it.hasNext() ? it.next() : null;
                for (long sec = first; sec <= last; sec++) {
                    long count = 0;
                    if (next != null && next.getKey() == sec) {
                        count = next.getValue()[0];
                        next = it.hasNext() ? it.next() : null;
                    }
                    rt.add(sec);
                    perSecond.add(count);
                }
            }
            ObjectNode latest = n.putObject("latest");
            if (!points.isEmpty()) {
                Point p = points.get(points.size() - 1);
                latest.put("time", p.windowEnd());
                latest.put("modelVersion", p.modelVersion());
                putNullable(latest, "loss", p.loss());
                putNullable(latest, "rocAuc", p.rocAuc());
                putNullable(latest, "positiveDistance", p.positiveDistance());
                putNullable(latest, "negativeDistance", p.negativeDistance());
                putNullable(latest, "threshold", p.threshold());
                putNullable(latest, "eventsPerSecond", p.eventsPerSecond());
            }
        }

        private void add(ArrayNode a, Double v) {
            if (v == null || !Double.isFinite(v)) {
                a.addNull();
            } else {
                a.add(v);
            }
        }
    }

    /** For tests: the points' window ends of {@code model}, oldest first. */
    synchronized List<Long> windowEnds(String model) {
        List<Long> ends = new ArrayList<>();
        ModelSeries s = models.get(model);
        if (s != null) {
            s.points.forEach(p -> ends.add(p.windowEnd()));
        }
        return ends;
    }
}
