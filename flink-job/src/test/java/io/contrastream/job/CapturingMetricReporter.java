package io.contrastream.job;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metric reporter for MiniCluster tests: remembers every metric a job registers, by its full
 * identifier, and keeps the metric object after the job ends (so counters can be read afterwards).
 * Configure with {@code metrics.reporter.capture.factory.class}.
 */
public final class CapturingMetricReporter implements MetricReporter {

    private static final Map<String, Metric> METRICS = new ConcurrentHashMap<>();

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        METRICS.put(group.getMetricIdentifier(name), metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {}

    /** Registers this reporter (as "capture") in a MiniCluster configuration; returns it. */
    public static org.apache.flink.configuration.Configuration register(
            org.apache.flink.configuration.Configuration conf) {
        conf.set(
                org.apache.flink.configuration.ConfigOptions.key(
                                "metrics.reporter.capture.factory.class")
                        .stringType()
                        .noDefaultValue(),
                Factory.class.getName());
        return conf;
    }

    /**
     * The sum over subtasks of the counters whose identifiers contain every one of {@code parts}
     * and end with the last two: the counter's group and its name ({@code "contrastream", "events"}
     * is the subtask's counter, not the per-model {@code contrastream.model.<m>.events}).
     */
    public static long sumOfCounters(String... parts) {
        String suffix = "." + parts[parts.length - 2] + "." + parts[parts.length - 1];
        long sum = 0;
        for (Map.Entry<String, Metric> e : find(parts)) {
            if (e.getKey().endsWith(suffix)
                    && e.getValue() instanceof org.apache.flink.metrics.Counter) {
                sum += ((org.apache.flink.metrics.Counter) e.getValue()).getCount();
            }
        }
        return sum;
    }

    /** The metrics whose identifiers contain every one of {@code parts}. */
    public static List<Map.Entry<String, Metric>> find(String... parts) {
        return METRICS.entrySet().stream()
                .filter(
                        e -> {
                            for (String p : parts) {
                                if (!e.getKey().contains(p)) return false;
                            }
                            return true;
                        })
                .collect(Collectors.toList());
    }

    /** Creates the reporter. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new CapturingMetricReporter();
        }
    }
}
