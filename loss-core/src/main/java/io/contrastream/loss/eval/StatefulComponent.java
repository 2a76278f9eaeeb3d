package io.contrastream.loss.eval;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * A component with immutable configuration (given to its constructor) and mutable state that can be
 * checkpointed and restored, e.g. by a Flink {@code TypeSerializer} that the operator owns.
 *
 * <p>Contract: {@link #readState} accepts only what {@link #writeState} wrote on an instance of the
 * same class constructed with the same configuration. After a successful read the instance behaves
 * exactly as the writer did: fed the same further inputs, both give identical outputs. State that
 * does not fit (another class, another format version, another configuration, truncated or
 * inconsistent data) is refused with an {@link IOException} naming what differs, and the instance
 * is then left unchanged. The configuration itself is written only to be checked, never adopted.
 *
 * <p>Neither method is on a hot path; both may allocate.
 */
public interface StatefulComponent {

    /** Writes the mutable state (and, for checking, the configuration) to {@code out}. */
    void writeState(DataOutput out) throws IOException;

    /**
     * Replaces the mutable state with state read from {@code in}.
     *
     * @throws IOException if the state was not written by an equally configured instance of this
     *     class, or is truncated or inconsistent; the instance is then unchanged
     */
    void readState(DataInput in) throws IOException;
}
