package io.contrastream.job.train;

import io.contrastream.schema.LossMetrics;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

/**
 * Per-model Flink metrics, for operators' dashboards: under the trainer's metric group, a group
 * {@code model} -> <em>model name</em> (a key-value group, so Prometheus gets a {@code model}
 * label: {@code flink_taskmanager_job_task_operator_contrastream_model_loss{model="north"}}) with
 * the quantities of the live dashboard:
 *
 * <ul>
 *   <li>gauges {@code loss}, {@code roc_auc}, {@code mean_positive_distance}, {@code
 *       mean_negative_distance}, {@code threshold}: the model's latest metrics window (its {@link
 *       LossMetrics}); NaN before the first window and for a window that has no value (no labelled
 *       pair, a single class);
 *   <li>counters {@code events} (pairs scored, advanced by each window's count) and {@code alerts}
 *       (every kind, counted as raised).
 * </ul>
 *
 * <p>Bounded: a subtask registers the groups of at most {@code maxModels} models (the trainer's
 * {@code --max-models}), the first it reports; a model past that has no per-model metrics (the
 * subtask's own metrics still count it). The groups live as long as the operator's metric group:
 * Flink unregisters them when the task closes, including before a restart.
 *
 * <p>Gauges are read by the reporter's thread while the trainer writes them; each value is volatile
 * (a window's values may be seen half-updated across gauges, never torn within one). Not
 * thread-safe otherwise: one trainer subtask calls it.
 */
public final class ModelMetricGroups {

    /** The key of the per-model group, and so the Prometheus label. */
    public static final String GROUP = "model";

    private final MetricGroup parent;
    private final long maxModels;
    private final Map<String, Model> models = new HashMap<>();

    /**
     * @param parent the trainer's metric group ({@code contrastream})
     * @param maxModels models whose metrics are registered, at most
     */
    public ModelMetricGroups(MetricGroup parent, long maxModels) {
        this.parent = parent;
        this.maxModels = maxModels;
    }

    /** Sets the model's gauges from {@code window} and counts its pairs; returns {@code window}. */
    public LossMetrics report(LossMetrics window) {
        Model m = model(window.getModel());
        if (m != null) {
            m.loss = orNaN(window.getMeanLoss());
            m.rocAuc = orNaN(window.getRocAuc());
            m.meanPositiveDistance = orNaN(window.getMeanPositiveDistance());
            m.meanNegativeDistance = orNaN(window.getMeanNegativeDistance());
            m.threshold = window.getThreshold();
            m.events.inc(window.getCount());
        }
        return window;
    }

    /** Counts an alert of {@code model}. */
    public void alert(String model) {
        Model m = model(model);
        if (m != null) {
            m.alerts.inc();
        }
    }

    /** Models with registered metrics. */
    public int size() {
        return models.size();
    }

    /** The model's metrics, registered on first use; null past the limit. */
    private Model model(String name) {
        Model m = models.get(name);
        if (m == null && models.size() < maxModels) {
            m = new Model(parent.addGroup(GROUP, name));
            models.put(name, m);
        }
        return m;
    }

    private static double orNaN(Double value) {
        return value == null ? Double.NaN : value;
    }

    /** One model's metrics. */
    private static final class Model {
        volatile double loss = Double.NaN;
        volatile double rocAuc = Double.NaN;
        volatile double meanPositiveDistance = Double.NaN;
        volatile double meanNegativeDistance = Double.NaN;
        volatile double threshold = Double.NaN;
        final Counter events;
        final Counter alerts;

        Model(MetricGroup group) {
            group.gauge("loss", (Gauge<Double>) () -> loss);
            group.gauge("roc_auc", (Gauge<Double>) () -> rocAuc);
            group.gauge("mean_positive_distance", (Gauge<Double>) () -> meanPositiveDistance);
            group.gauge("mean_negative_distance", (Gauge<Double>) () -> meanNegativeDistance);
            group.gauge("threshold", (Gauge<Double>) () -> threshold);
            events = group.counter("events");
            alerts = group.counter("alerts");
        }
    }
}
