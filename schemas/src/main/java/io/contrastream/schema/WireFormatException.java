package io.contrastream.schema;

import java.util.Objects;

/**
 * A message that {@link WireCodec} or {@link JsonCodec} could not decode, with the {@link
 * DeadLetterReason} to file it under. From {@link WireCodec}: {@link
 * DeadLetterReason#UNKNOWN_SCHEMA} when the bytes are a well-formed single-object header whose
 * writer-schema fingerprint the codec does not know, {@link DeadLetterReason#UNDECODABLE} for
 * everything else (no or bad marker, too short, a body that is truncated, malformed, oversized or
 * followed by trailing bytes). From {@link JsonCodec}: {@link DeadLetterReason#MISSING_FIELD},
 * {@link DeadLetterReason#UNKNOWN_LABEL}, {@link DeadLetterReason#BAD_TIMESTAMP} or {@link
 * DeadLetterReason#UNDECODABLE}, as its class documentation lists.
 *
 * <p>Checked on purpose: a source must decide what to do with a bad record (dead-letter it) rather
 * than let it fail the job.
 */
public final class WireFormatException extends Exception {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    /**
     * @param reason why the message was refused
     * @param message what was wrong, naming the values at fault
     * @param cause the underlying Avro, Jackson or I/O failure, or {@code null}
     */
    public WireFormatException(DeadLetterReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The dead-letter reason this failure maps to. */
    public DeadLetterReason reason() {
        return reason;
    }
}
