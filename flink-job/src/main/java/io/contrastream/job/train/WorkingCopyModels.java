package io.contrastream.job.train;

import io.contrastream.job.model.ModelState;
import io.contrastream.job.model.ModelStateSerializer;
import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.operators.KeyContext;

/**
 * A working copy of the models in front of a keyed state that serialises on every access (RocksDB):
 * a model is read from the state once, then changed in place pair after pair, and written back only
 * when the operator snapshots its state ({@link #writeBack}, before the keyed backend takes its
 * snapshot, so a checkpoint holds every model's latest values), at the end of the input, or when it
 * is evicted.
 *
 * <p>Bounded: the copies held at once fit in {@code budgetBytes}, counted in serialised model sizes
 * (the first model's size, measured once, sets the capacity; at least one model). Past it, the
 * least recently used copy is evicted: written to the state if it changed, then dropped; its next
 * read comes from the state again. A read of a key without a model is not remembered.
 *
 * <p>The copies are forgotten at every write-back, so a model read after a checkpoint is read again
 * from the state: the working copy never outlives a snapshot, whatever the backend does with the
 * objects it is given. It starts empty in every new operator instance, so a restore (from a
 * checkpoint or a savepoint, at any parallelism) reads the restored state, never a stale copy.
 *
 * <p>Not thread-safe: the operator's task thread alone uses it.
 */
final class WorkingCopyModels implements ModelStore {

    private final ValueState<ModelState> state;
    private final KeyContext keys;
    private final long budgetBytes;
    private final LinkedHashMap<Object, Copy> copies = new LinkedHashMap<>(64, 0.75f, true);
    private int capacity;
    private Copy last;

    /**
     * @param state the keyed model state
     * @param keys the operator, which sets the key the state reads and writes
     * @param budgetBytes how many bytes of (serialised) models the copies may hold
     */
    WorkingCopyModels(ValueState<ModelState> state, KeyContext keys, long budgetBytes) {
        if (budgetBytes < 1) {
            throw new IllegalArgumentException(
                    "working-copy budget must be >= 1 byte, got " + budgetBytes);
        }
        this.state = state;
        this.keys = keys;
        this.budgetBytes = budgetBytes;
    }

    @Override
    public ModelState value() throws IOException {
        Object key = keys.getCurrentKey();
        Copy copy = copies.get(key);
        if (copy == null) {
            ModelState model = state.value();
            if (model == null) {
                last = null;
                return null;
            }
            copy = admit(key, model, false);
        }
        last = copy;
        return copy.model;
    }

    @Override
    public void update(ModelState model) throws IOException {
        Object key = keys.getCurrentKey();
        Copy copy = last != null && last.key.equals(key) ? last : copies.get(key);
        if (copy == null) {
            copy = admit(key, model, true);
        } else {
            copy.model = model;
            copy.dirty = true;
        }
        last = copy;
    }

    @Override
    public void writeBack() throws IOException {
        if (copies.isEmpty()) {
            return;
        }
        Object current = keys.getCurrentKey();
        try {
            for (Copy copy : copies.values()) {
                if (copy.dirty) {
                    keys.setCurrentKey(copy.key);
                    state.update(copy.model);
                }
            }
        } finally {
            if (current != null) {
                keys.setCurrentKey(current);
            }
        }
        copies.clear();
        last = null;
    }

    /** How many copies are held now. */
    int size() {
        return copies.size();
    }

    /** How many copies may be held at once; 0 until the first model has been sized. */
    int capacity() {
        return capacity;
    }

    private Copy admit(Object key, ModelState model, boolean dirty) throws IOException {
        if (capacity == 0) {
            capacity = capacityFor(model);
        }
        if (copies.size() >= capacity) {
            evictEldest(key);
        }
        Copy copy = new Copy(key, model, dirty);
        copies.put(key, copy);
        return copy;
    }

    private int capacityFor(ModelState model) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(4096);
        ModelStateSerializer.INSTANCE.serialize(model, out);
        long fit = budgetBytes / Math.max(1, out.length());
        return (int) Math.max(1, Math.min(fit, Integer.MAX_VALUE - 8));
    }

    private void evictEldest(Object current) throws IOException {
        Iterator<Copy> eldest = copies.values().iterator();
        Copy copy = eldest.next();
        eldest.remove();
        if (copy == last) {
            last = null;
        }
        if (copy.dirty) {
            keys.setCurrentKey(copy.key);
            try {
                state.update(copy.model);
            } finally {
                keys.setCurrentKey(current);
            }
        }
    }

    /** One model's working copy; dirty when changed since it was read or last written. */
    private static final class Copy {
        final Object key;
        ModelState model;
        boolean dirty;

        Copy(Object key, ModelState model, boolean dirty) {
            this.key = key;
            this.model = model;
            this.dirty = dirty;
        }
    }
}
