package io.contrastream.job.train;

import io.contrastream.job.model.ModelState;
import java.io.IOException;

/**
 * Where the trainer finds the model of the current key: the keyed state itself ({@link
 * KeyedStateModels}, for a backend that holds live objects) or a working copy in front of it
 * ({@link WorkingCopyModels}, for one that serialises every access). The trainer reads with {@link
 * #value} and, after changing a model, hands it back with {@link #update}; the operator calls
 * {@link #writeBack} before each snapshot of the keyed state and at the end of the input.
 */
interface ModelStore {

    /** The current key's model, or null if the key has none (in the working copy or the state). */
    ModelState value() throws IOException;

    /** Records {@code model} as the current key's model. */
    void update(ModelState model) throws IOException;

    /**
     * Writes every model changed since the last write-back to the keyed state and forgets the
     * working copies, so that the next read of a model comes from the state. Leaves the current key
     * as it was.
     */
    void writeBack() throws IOException;
}
