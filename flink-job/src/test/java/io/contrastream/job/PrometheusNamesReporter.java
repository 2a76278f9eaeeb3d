package io.contrastream.job;

import io.prometheus.client.Collector;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * Flink's own Prometheus reporter without its HTTP server (which binds every interface): the
 * naming, label and type mapping of {@code flink-metrics-prometheus}, unchanged, and a record of
 * every sample name and its label names as a scrape would show them. Configure with {@code
 * metrics.reporter.<name>.factory.class}.
 */
public final class PrometheusNamesReporter extends AbstractPrometheusReporter {

    /** Sample name (e.g. flink_taskmanager_job_task_operator_contrastream_loss) to label names. */
    private static final Map<String, Set<String>> SAMPLES = new ConcurrentHashMap<>();

    private static final Set<String> ADDED = ConcurrentHashMap.newKeySet();

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        super.notifyOfAddedMetric(metric, name, group);
        ADDED.add(group.getMetricIdentifier(name));
        // Read while registered (metrics are removed again when the job ends), one collector at a
        // time: some of Flink's own gauges throw when read before their task runs.
        for (Map.Entry<String, ? extends Map.Entry<Collector, Integer>> e :
                collectors().entrySet()) {
            if (SAMPLES.containsKey(e.getKey())) {
                continue;
            }
            try {
                for (Collector.MetricFamilySamples family : e.getValue().getKey().collect()) {
                    for (Collector.MetricFamilySamples.Sample s : family.samples) {
                        SAMPLES.computeIfAbsent(s.name, k -> ConcurrentHashMap.newKeySet())
                                .addAll(s.labelNames);
                    }
                }
            } catch (RuntimeException unreadableNow) {
                // read again with the next metric
            }
        }
    }

    /** The reporter's collectors by Prometheus metric name. */
    @SuppressWarnings("unchecked")
    private Map<String, ? extends Map.Entry<Collector, Integer>> collectors() {
        try {
            Field f =
                    AbstractPrometheusReporter.class.getDeclaredField(
                            "collectorsWithCountByMetricName");
            f.setAccessible(true);
            return new HashMap<>((Map<String, Map.Entry<Collector, Integer>>) f.get(this));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Flink's Prometheus reporter changed its fields", e);
        }
    }

    /** Every metric identifier this reporter was given (for failure messages). */
    public static Set<String> added() {
        return new TreeSet<>(ADDED);
    }

    /** Every sample name seen, with its label names. */
    public static Map<String, Set<String>> samples() {
        Map<String, Set<String>> copy = new TreeMap<>();
        SAMPLES.forEach((k, v) -> copy.put(k, new TreeSet<>(v)));
        return copy;
    }

    /** Creates the reporter. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new PrometheusNamesReporter();
        }
    }
}
