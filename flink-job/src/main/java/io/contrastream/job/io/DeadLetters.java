package io.contrastream.job.io;

import io.contrastream.job.model.PairRecord;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DeadLetterReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds {@link DeadLetter} records: the reason, the message, where it came from, the bytes.
 *
 * <p>The original bytes are kept whole up to {@value #MAX_ORIGINAL_BYTES} bytes; a longer record (a
 * vector of ten million values, say) is cut to that many, and its message says so. A dead letter
 * must itself fit in a Kafka record (about 1 MiB by default): one that did not would fail the job's
 * transactional producer, restart the job and fail again, for ever. The whole record stays at its
 * topic, partition and offset, which the dead letter names.
 */
public final class DeadLetters {

    /** The most original bytes a dead letter carries: 256 KiB. */
    public static final int MAX_ORIGINAL_BYTES = 262_144;

    private DeadLetters() {}

    /**
     * A dead letter for raw input that never became a {@link PairRecord}.
     *
     * @param partition the Kafka partition, or {@link PairRecord#NO_PARTITION} for a file
     * @param position the Kafka offset, or the file line
     * @param model the model, if it was read before the problem showed; else null
     */
    public static DeadLetter of(
            DeadLetterReason reason,
            String message,
            SourceInfo source,
            int partition,
            long position,
            byte[] original,
            String model,
            long now) {
        boolean kafka = source.isKafka();
        byte[] bytes = original == null ? new byte[0] : original;
        if (bytes.length > MAX_ORIGINAL_BYTES) {
            message =
                    message
                            + " (original cut to its first "
                            + MAX_ORIGINAL_BYTES
                            + " of "
                            + bytes.length
                            + " bytes)";
            bytes = Arrays.copyOf(bytes, MAX_ORIGINAL_BYTES);
        }
        return DeadLetter.newBuilder()
                .setReason(reason)
                .setMessage(message)
                .setSource(source.kind())
                .setTopic(kafka ? source.name() : null)
                .setPartition(kafka && partition != PairRecord.NO_PARTITION ? partition : null)
                .setOffset(kafka ? position : null)
                .setLine(kafka ? null : position)
                .setOriginal(ByteBuffer.wrap(bytes))
                .setModel(model)
                .setEventTime(Instant.ofEpochMilli(now))
                .build();
    }

    /**
     * A dead letter for a record refused after decoding (by the trainer, which no longer holds the
     * raw bytes): {@code original} is the record re-encoded in the job's wire format.
     */
    public static DeadLetter of(
            DeadLetterReason reason,
            String message,
            SourceInfo source,
            PairRecord record,
            byte[] reencoded,
            long now) {
        return of(
                reason,
                message,
                source,
                record.partition(),
                record.position(),
                reencoded,
                record.model(),
                now);
    }
}
