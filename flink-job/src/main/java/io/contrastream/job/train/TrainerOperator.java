package io.contrastream.job.train;

import io.contrastream.job.model.ModelState;
import io.contrastream.job.model.PairRecord;
import io.contrastream.schema.PairScore;
import java.util.stream.Stream;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * The keyed operator that runs {@link OnlineContrastiveTrainer}: Flink's {@link
 * KeyedProcessOperator} (timers, side outputs, the function's context), plus where the models live
 * between pairs.
 *
 * <ul>
 *   <li>On the heap backend the keyed state holds the live model objects: the trainer reads and
 *       writes it directly ({@link KeyedStateModels}).
 *   <li>On any other backend (RocksDB serialises a value on every read and write: the whole
 *       learner, parameters and optimiser state) the trainer works on a bounded working copy
 *       ({@link WorkingCopyModels}), written to the keyed state in {@link #snapshotState}, which
 *       Flink calls before the keyed backend takes its snapshot: every checkpoint and savepoint
 *       holds each model's latest values. The copies are also written when the input ends.
 * </ul>
 *
 * <p>On open it counts the models this subtask already holds (the keys of the restored model state,
 * after a restart, a restore or a rescale that moved key groups), for {@code --max-models}.
 */
public final class TrainerOperator extends KeyedProcessOperator<String, PairRecord, PairScore> {

    private static final long serialVersionUID = 1L;

    /** Default budget of the working copies: 64 MiB of serialised models (RocksDB only). */
    public static final long DEFAULT_WORKING_COPY_BYTES = 64L << 20;

    private final OnlineContrastiveTrainer trainer;
    private final long workingCopyBytes;
    private transient ModelStore models;

    /** The trainer with the default working-copy budget. */
    public TrainerOperator(OnlineContrastiveTrainer trainer) {
        this(trainer, DEFAULT_WORKING_COPY_BYTES);
    }

    /**
     * @param workingCopyBytes the most bytes of serialised models held as working copies (>= 1; a
     *     budget below one model's size still holds one); unused on the heap backend
     */
    public TrainerOperator(OnlineContrastiveTrainer trainer, long workingCopyBytes) {
        super(trainer);
        if (workingCopyBytes < 1) {
            throw new IllegalArgumentException(
                    "working-copy budget must be >= 1 byte, got " + workingCopyBytes);
        }
        this.trainer = trainer;
        this.workingCopyBytes = workingCopyBytes;
    }

    @Override
    public void open() throws Exception {
        ValueState<ModelState> state =
                getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        OnlineContrastiveTrainer.stateDescriptor());
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        models =
                backend instanceof HeapKeyedStateBackend
                        ? new KeyedStateModels(state)
                        : new WorkingCopyModels(state, this, workingCopyBytes);
        long held;
        try (Stream<String> keys =
                backend.getKeys(
                        OnlineContrastiveTrainer.stateDescriptor().getName(),
                        VoidNamespace.INSTANCE)) {
            held = keys.count();
        }
        trainer.attach(models, held);
        super.open();
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        // Runs before the keyed backend's snapshot of the same checkpoint.
        models.writeBack();
        super.snapshotState(context);
    }

    @Override
    public void finish() throws Exception {
        super.finish();
        models.writeBack();
    }

    /** Where the models live in this instance (for tests). */
    ModelStore models() {
        return models;
    }
}
