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

    KeyedStateModels(ValueState<ModelState> state) {
        this.state = state;
    }

    @Override
    public ModelState value() throws IOException {
        return state.value();
    }

    @Override
    public void update(ModelState model) throws IOException {
        state.update(model);
    }

    @Override
    public void writeBack() {}
}
