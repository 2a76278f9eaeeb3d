package io.contrastream.job.reliability;

import io.contrastream.job.model.RawRecord;
import io.contrastream.job.model.RawRecordSerializer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The failure the crash tests inject: a map between the Kafka source and the job that passes
 * records through, a little slowly (so the input spans several checkpoints); when armed, subtask 0
 * throws once on its first attempt, after {@link #reset its threshold} of records and a completed
 * checkpoint that covered some. Records what it saw in static fields (one JVM: the MiniCluster), so
 * one test class at a time may use it.
 */
final class FailOnce extends RichMapFunction<RawRecord, RawRecord>
        implements CheckpointedFunction, CheckpointListener {

    private static final long serialVersionUID = 1L;

    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicLong FAIL_AFTER = new AtomicLong();
    static final AtomicBoolean THROWN = new AtomicBoolean();
    static final AtomicLong FAILED_AT_RECORD = new AtomicLong(-1);
    static final AtomicLong COMPLETED_CHECKPOINT_AT_FAILURE = new AtomicLong(-1);
    static final AtomicLong SEEN = new AtomicLong();
    static final Set<Integer> ATTEMPTS = ConcurrentHashMap.newKeySet();
    static final ConcurrentLinkedQueue<Long> RESTORED_FROM = new ConcurrentLinkedQueue<>();

    private transient long seen;
    private transient Map<Long, Long> seenAtSnapshot;
    private transient long completedCoveringRecords;

    /**
     * Clears what was recorded and arms (or disarms) the failure.
     *
     * @param failAfter records subtask 0 must have seen before it may fail
     */
    static void reset(boolean armed, long failAfter) {
        ARMED.set(armed);
        FAIL_AFTER.set(failAfter);
        THROWN.set(false);
        FAILED_AT_RECORD.set(-1);
        COMPLETED_CHECKPOINT_AT_FAILURE.set(-1);
        SEEN.set(0);
        ATTEMPTS.clear();
        RESTORED_FROM.clear();
    }

    /** {@code raw} through this map, at its parallelism, with a stable uid. */
    static DataStream<RawRecord> after(DataStream<RawRecord> raw) {
        return raw.map(new FailOnce(), RawRecordSerializer.TYPE)
                .uid("fail-once")
                .name("fail once")
                .setParallelism(raw.getParallelism());
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        seenAtSnapshot = new HashMap<>();
        completedCoveringRecords = -1;
        ATTEMPTS.add(getRuntimeContext().getTaskInfo().getAttemptNumber());
        if (context.isRestored()) {
            RESTORED_FROM.add(context.getRestoredCheckpointId().orElse(-1));
        }
    }

    @Override
    public RawRecord map(RawRecord value) throws Exception {
        seen++;
        SEEN.incrementAndGet();
        Thread.sleep(1);
        if (ARMED.get()
                && getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0
                && getRuntimeContext().getTaskInfo().getAttemptNumber() == 0
                && seen >= FAIL_AFTER.get()
                && completedCoveringRecords > 0
                && THROWN.compareAndSet(false, true)) {
            FAILED_AT_RECORD.set(seen);
            COMPLETED_CHECKPOINT_AT_FAILURE.set(completedCoveringRecords);
            throw new IllegalStateException("injected failure after " + seen + " records");
        }
        return value;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        seenAtSnapshot.put(context.getCheckpointId(), seen);
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
        Long atSnapshot = seenAtSnapshot.get(checkpointId);
        if (atSnapshot != null && atSnapshot > 0) {
            completedCoveringRecords = checkpointId;
        }
    }
}
