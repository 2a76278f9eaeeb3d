package io.contrastream.bench;

import io.contrastream.job.model.ModelState;
import io.contrastream.job.model.ModelStateSerializer;
import io.contrastream.job.model.RecentEventIds;
import io.contrastream.job.train.TrainerOperator;
import io.contrastream.job.train.TrainerSettings;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.learner.ThresholdPolicy;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import java.io.IOException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * Memory of the models, one command:
 *
 * <ol>
 *   <li>bytes of state per model ({@link ModelStateSerializer}: what RocksDB stores and a
 *       checkpoint writes per model), for each configuration, new and after 2,000 labelled pairs
 *       (the drift detector's and calibrator's windows grow with the stream, then stop);
 *   <li>heap of 10,000 models of linear 64 -> 32 (Adam, the default optimiser) as plain objects in
 *       a map, with no Flink around them: used heap after GC before and after creating them;
 *   <li>heap needed for 10,000 such models on each backend: the throughput harness's MiniCluster
 *       job with 1 model and with 10,000 (20 pairs each, all labelled), heap used after GC taken in
 *       the task thread at the last record, when every model lives; the difference is the models'
 *       (heap backend: the live objects, keys, state-map entries, timers; RocksDB: the working
 *       copies held at that moment, at most the working-copy budget, and RocksDB's Java side).
 * </ol>
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/target/benchmarks.jar io.contrastream.bench.StateFootprint
 * </pre>
 */
public final class StateFootprint {

    private static final int MODELS = 10_000;

    private StateFootprint() {}

    private record Row(String name, LearnerConfig config, int inputDim) {}

    public static void main(String[] args) throws Exception {
        LearnerConfig ref = LearnerConfig.reference(1);
        EncoderConfig lin784 =
                new EncoderConfig(
                        EncoderKind.LINEAR, 128, 0, false, Initialization.PYTORCH_UNIFORM);
        EncoderConfig mlp =
                new EncoderConfig(EncoderKind.MLP, 32, 256, false, Initialization.PYTORCH_UNIFORM);
        OptimizerConfig adam = OptimizerConfig.of(OptimizerKind.ADAM, 3e-4);
        Row[] rows = {
            new Row("identity 64", EngineThroughput.config("identity"), 64),
            new Row("linear 64->32, SGD", ref, 64),
            new Row("linear 64->32, Adam", ref.withOptimizer(adam), 64),
            new Row(
                    "linear 64->32, Adam, auto threshold",
                    ref.withOptimizer(adam).withThreshold(ThresholdPolicy.auto()),
                    64),
            new Row("linear 784->128, SGD", ref.withEncoder(lin784), 784),
            new Row("linear 784->128, Adam", ref.withEncoder(lin784).withOptimizer(adam), 784),
            new Row("MLP 64->256->32, SGD", ref.withEncoder(mlp), 64),
            new Row("MLP 64->256->32, Adam", ref.withEncoder(mlp).withOptimizer(adam), 64),
        };
        System.out.println(
                "bytes of state per model (ModelStateSerializer), margin-half threshold and ADWIN"
                        + " unless said");
        System.out.printf(
                Locale.ROOT,
                "%-38s %12s %14s %12s%n",
                "configuration",
                "new",
                "after 2,000",
                "copies/64MiB");
        for (Row row : rows) {
            OnlineLearner learner = OnlineLearner.create(row.config(), row.inputDim());
            long fresh = bytes(new ModelState(learner, TrainerSettings.DEFAULT_DEDUPE_WINDOW));
            train(learner, row.inputDim(), 2_000, 7);
            long trained = bytes(withFullDedupeWindow(learner));
            System.out.printf(
                    Locale.ROOT,
                    "%-38s %,12d %,14d %,12d%n",
                    row.name(),
                    fresh,
                    trained,
                    Math.max(1, TrainerOperator.DEFAULT_WORKING_COPY_BYTES / trained));
        }

        LearnerConfig linAdam = ref.withOptimizer(adam);
        long before = EngineThroughput.usedHeapAfterGc();
        Map<String, ModelState> held = new HashMap<>();
        for (int m = 0; m < MODELS; m++) {
            OnlineLearner learner = OnlineLearner.create(linAdam, 64);
            train(learner, 64, 20, m);
            held.put("model-" + m, withFullDedupeWindow(learner));
        }
        long after = EngineThroughput.usedHeapAfterGc();
        System.out.printf(
                Locale.ROOT,
                "%n%,d models of linear 64->32, Adam, 20 pairs each, as objects in a HashMap:"
                        + " %,.1f MiB (%,d bytes per model)%n",
                held.size(),
                (after - before) / 1048576.0,
                (after - before) / held.size());
        held = null;

        System.out.printf(
                Locale.ROOT,
                "%nheap used after GC at the last record, MiniCluster job, linear 64->32 Adam,"
                        + " 20 labelled pairs per model, checkpoints every 2000 ms%n");
        System.out.printf(
                Locale.ROOT,
                "%-8s %14s %16s %14s %12s%n",
                "backend",
                "1 model MiB",
                "10,000 models MiB",
                "difference MiB",
                "per model B");
        for (String backend : new String[] {"hashmap", "rocksdb"}) {
            long one =
                    EngineThroughput.run("linear-adam", backend, 1, 20L * MODELS, 2000, true, false)
                            .heapAtEnd();
            long many =
                    EngineThroughput.run(
                                    "linear-adam", backend, MODELS, 20L * MODELS, 2000, true, false)
                            .heapAtEnd();
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %14.1f %16.1f %14.1f %,12d%n",
                    backend,
                    one / 1048576.0,
                    many / 1048576.0,
                    (many - one) / 1048576.0,
                    (many - one) / (MODELS - 1));
        }
    }

    private static long bytes(ModelState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(1 << 16);
        ModelStateSerializer.INSTANCE.serialize(state, out);
        return out.length();
    }

    private static void train(OnlineLearner learner, int dim, int pairs, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] a = new float[dim];
        float[] b = new float[dim];
        for (int i = 0; i < pairs; i++) {
            for (int k = 0; k < dim; k++) {
                a[k] = (float) random.nextGaussian();
                b[k] = (float) random.nextGaussian();
            }
            learner.process(a, b, i % 2 == 0 ? PairLabel.SAME : PairLabel.DIFFERENT);
        }
    }

    /**
     * A model's state as the trainer keeps it once warm: with its dedupe window full of event ids
     * (1,024 by default: 8 KiB serialised, about 16 KiB on the heap with its index).
     */
    static ModelState withFullDedupeWindow(OnlineLearner learner) {
        ModelState state = new ModelState(learner, TrainerSettings.DEFAULT_DEDUPE_WINDOW);
        RecentEventIds ids = state.recentEventIds(TrainerSettings.DEFAULT_DEDUPE_WINDOW);
        for (int k = 0; k < TrainerSettings.DEFAULT_DEDUPE_WINDOW; k++) {
            ids.add(RecentEventIds.fingerprint("event-" + k));
        }
        return state;
    }
}
