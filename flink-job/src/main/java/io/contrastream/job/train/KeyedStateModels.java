package io.contrastream.job.train;

import io.contrastream.job.model.ModelState;
import java.io.IOException;
import org.apache.flink.api.common.state.ValueState;

/**
 * The models read and written straight through the keyed state, per pair. For the heap backend,
 * whose state is the live object: a read is a map look-up, a write a map put, nothing is
 * serialised, and the backend's copy-on-write keeps an asynchronous snapshot consistent. A working
 * copy in front of it would only do the same work twice.
 */
final class KeyedStateModels implements ModelStore {

    private final ValueState<ModelState> state;

    /** The object the last {@link #value} returned: the state map's own, changed in place. */
    private ModelState lastRead;

    KeyedStateModels(ValueState<ModelState> state) {
        this.state = state;
    }

    @Override
    public ModelState value() throws IOException {
        ModelState model = state.value();
        lastRead = model;
        return model;
    }

    /**
     * Puts {@code model} into the state, unless it is the object the last read returned: that one
     * is already the state map's current entry (the heap backend's copy-on-write hands a read the
     * entry of the current version, copied if a snapshot holds the older one), so putting it again
     * would only repeat the look-up. Reads and updates of one key are never separated by a
     * snapshot: both happen within one record or timer.
     */
    @Override
    public void update(ModelState model) throws IOException {
        if (model == null || model != lastRead) {
            state.update(model);
            lastRead = model;
        }
    }

    @Override
    public void writeBack() {}
}
