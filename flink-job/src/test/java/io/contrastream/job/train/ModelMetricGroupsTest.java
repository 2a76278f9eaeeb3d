package io.contrastream.job.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.schema.LossMetrics;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.metrics.groups.GenericMetricGroup;
import org.apache.flink.runtime.metrics.util.TestingMetricRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The per-model metrics against a real Flink metric group and a registry that records what is
 * registered and unregistered, by full identifier ({@code contrastream.model.<name>.<metric>}).
 */
class ModelMetricGroupsTest {

    private final Map<String, Metric> registered = new TreeMap<>();
    private final Map<String, Map<String, String>> variables = new TreeMap<>();
    private final Map<String, Metric> unregistered = new TreeMap<>();
    private GenericMetricGroup root;

    @BeforeEach
    void registry() {
        TestingMetricRegistry registry =
                TestingMetricRegistry.builder()
                        .setRegisterConsumer(
                                (metric, name, group) -> {
                                    String id = group.getMetricIdentifier(name);
                                    registered.put(id, metric);
                                    variables.put(id, group.getAllVariables());
                                })
                        .setUnregisterConsumer(
                                (metric, name, group) ->
                                        unregistered.put(group.getMetricIdentifier(name), metric))
                        .build();
        root = new GenericMetricGroup(registry, null, "contrastream");
    }

    @Test
    void gaugesHoldTheLatestWindowAndCountersAddUp() {
        ModelMetricGroups metrics = new ModelMetricGroups(root, 10);
        LossMetrics first = window("north", 100, 0.25, 0.9, 0.4, 1.6, 1.0);
        assertThat(metrics.report(first)).isSameAs(first);
        assertThat(gauge("north", "loss")).isEqualTo(0.25);
        assertThat(gauge("north", "roc_auc")).isEqualTo(0.9);
        assertThat(gauge("north", "mean_positive_distance")).isEqualTo(0.4);
        assertThat(gauge("north", "mean_negative_distance")).isEqualTo(1.6);
        assertThat(gauge("north", "threshold")).isEqualTo(1.0);
        assertThat(counter("north", "events")).isEqualTo(100);
        assertThat(counter("north", "alerts")).isZero();

        // A window without labelled pairs of one class: no ROC-AUC, no positive distance.
        metrics.report(window("north", 37, 0.125, null, null, 1.5, 0.75));
        assertThat(gauge("north", "loss")).isEqualTo(0.125);
        assertThat(gauge("north", "roc_auc")).isNaN();
        assertThat(gauge("north", "mean_positive_distance")).isNaN();
        assertThat(gauge("north", "mean_negative_distance")).isEqualTo(1.5);
        assertThat(gauge("north", "threshold")).isEqualTo(0.75);
        assertThat(counter("north", "events")).isEqualTo(137);

        metrics.alert("north");
        metrics.alert("north");
        assertThat(counter("north", "alerts")).isEqualTo(2);
    }

    @Test
    void eachModelIsAKeyValueGroupSoReportersGetAModelVariable() {
        ModelMetricGroups metrics = new ModelMetricGroups(root, 10);
        metrics.report(window("north", 1, 0.5, 0.5, 0.5, 0.5, 0.5));
        metrics.alert("south"); // an alert before the model's first window registers it too
        assertThat(registered.keySet())
                .containsExactlyInAnyOrder(
                        "contrastream.model.north.loss",
                        "contrastream.model.north.roc_auc",
                        "contrastream.model.north.mean_positive_distance",
                        "contrastream.model.north.mean_negative_distance",
                        "contrastream.model.north.threshold",
                        "contrastream.model.north.events",
                        "contrastream.model.north.alerts",
                        "contrastream.model.south.loss",
                        "contrastream.model.south.roc_auc",
                        "contrastream.model.south.mean_positive_distance",
                        "contrastream.model.south.mean_negative_distance",
                        "contrastream.model.south.threshold",
                        "contrastream.model.south.events",
                        "contrastream.model.south.alerts");
        assertThat(variables.get("contrastream.model.north.loss"))
                .containsEntry("<model>", "north");
        assertThat(gauge("south", "loss")).as("no window yet").isNaN();
        assertThat(counter("south", "alerts")).isEqualTo(1);
    }

    @Test
    void aModelPastTheLimitIsNotRegistered() {
        ModelMetricGroups metrics = new ModelMetricGroups(root, 2);
        metrics.report(window("a", 10, 0.5, 0.5, 0.5, 0.5, 0.5));
        metrics.report(window("b", 10, 0.5, 0.5, 0.5, 0.5, 0.5));
        metrics.report(window("c", 10, 0.5, 0.5, 0.5, 0.5, 0.5));
        metrics.alert("c");
        assertThat(metrics.size()).isEqualTo(2);
        assertThat(registered.keySet()).noneMatch(id -> id.contains(".model.c."));
        assertThat(registered).hasSize(14);
        // The models registered go on reporting.
        metrics.report(window("a", 5, 0.25, 0.5, 0.5, 0.5, 0.5));
        assertThat(gauge("a", "loss")).isEqualTo(0.25);
        assertThat(counter("a", "events")).isEqualTo(15);
    }

    @Test
    void closingTheOperatorsGroupUnregistersEveryModelsMetrics() {
        ModelMetricGroups metrics = new ModelMetricGroups(root, 10);
        metrics.report(window("north", 1, 0.5, 0.5, 0.5, 0.5, 0.5));
        metrics.report(window("south", 1, 0.5, 0.5, 0.5, 0.5, 0.5));
        assertThat(unregistered).isEmpty();
        root.close(); // what Flink does to an operator's group when its task ends
        assertThat(unregistered.keySet()).isEqualTo(registered.keySet());
    }

    private double gauge(String model, String name) {
        Metric m = registered.get("contrastream.model." + model + "." + name);
        assertThat(m).as(name).isInstanceOf(Gauge.class);
        return ((Number) ((Gauge<?>) m).getValue()).doubleValue();
    }

    private long counter(String model, String name) {
        Metric m = registered.get("contrastream.model." + model + "." + name);
        assertThat(m).as(name).isInstanceOf(Counter.class);
        return ((Counter) m).getCount();
    }

    private static LossMetrics window(
            String model,
            long count,
            Double loss,
            Double auc,
            Double positive,
            Double negative,
            double threshold) {
        return LossMetrics.newBuilder()
                .setModel(model)
                .setModelVersion(1)
                .setWindowStart(Instant.EPOCH)
                .setWindowEnd(Instant.EPOCH)
                .setCount(count)
                .setLabelledCount(count)
                .setMeanLoss(loss)
                .setRocAuc(auc)
                .setMeanPositiveDistance(positive)
                .setMeanNegativeDistance(negative)
                .setThreshold(threshold)
                .setParameterNorm(1)
                .setSkippedUpdates(0)
                .build();
    }
}
