package io.contrastream.job.decode;

import io.contrastream.job.io.DeadLetters;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.RawRecord;
import io.contrastream.loss.PairLabel;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.DeadLetterReason;
import io.contrastream.schema.Item;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.WireCodec;
import io.contrastream.schema.WireFormatException;
import java.util.List;

/**
 * Decodes and validates one input record, once, at the edge of the job. A record either becomes a
 * {@link PairRecord} the trainer can trust, or a {@link DeadLetter} with the first reason found:
 *
 * <ul>
 *   <li>UNDECODABLE / UNKNOWN_SCHEMA / MISSING_FIELD / UNKNOWN_LABEL: the bytes are not a pair
 *       event of a known schema;
 *   <li>EMPTY_MODEL, EMPTY_ID: the model, the event id or an item id is empty;
 *   <li>EMPTY_FEATURES, TOO_MANY_FEATURES (more than {@code maxFeatures}),
 *       LEFT_RIGHT_DIMENSION_MISMATCH, NON_FINITE_FEATURE (naming side and index);
 *   <li>BAD_TIMESTAMP: an event time before 1970, or more than {@code maxEventTimeAhead} ms ahead
 *       of the engine's clock (a producer's clock far in the future, or a corrupted field). Times
 *       in the past are otherwise accepted: replaying an archive is legitimate.
 * </ul>
 *
 * <p>The future bound compares with the processing time passed to {@link #decode}, so whether a
 * record a little under the bound is accepted depends on when it is decoded; with the default of
 * one day this matters only for records that are wrong anyway.
 *
 * <p>Not thread-safe (the codecs reuse buffers): one decoder per operator instance.
 */
public final class PairDecoder {

    private final WireFormat format;
    private final int maxFeatures;
    private final long maxEventTimeAhead;
    private final SourceInfo source;
    private final WireCodec<PairEvent> avro;
    private final EventReader json;
    private DeadLetter deadLetter;

    /** Reads one PairEvent from JSON bytes; supplied by the JSON format. */
    @FunctionalInterface
    public interface EventReader {
        PairEvent read(byte[] bytes) throws WireFormatException;
    }

    /**
     * @param maxFeatures the most values an item may have (>= 1)
     * @param maxEventTimeAhead how far, in ms, an event time may lie ahead of the clock (>= 0)
     * @param json the JSON reader, used when {@code format} is JSON (may be null otherwise)
     */
    public PairDecoder(
            WireFormat format,
            int maxFeatures,
            long maxEventTimeAhead,
            SourceInfo source,
            EventReader json) {
        if (maxFeatures < 1) {
            throw new IllegalArgumentException("max-features must be >= 1, got " + maxFeatures);
        }
        if (maxEventTimeAhead < 0) {
            throw new IllegalArgumentException(
                    "max-event-time-ahead must be >= 0 ms, got " + maxEventTimeAhead);
        }
        this.format = format;
        this.maxFeatures = maxFeatures;
        this.maxEventTimeAhead = maxEventTimeAhead;
        this.source = source;
        this.avro = format == WireFormat.AVRO ? WireCodec.forType(PairEvent.class) : null;
        this.json = json;
        if (format == WireFormat.JSON && json == null) {
            throw new IllegalArgumentException("the JSON format needs a JSON reader");
        }
    }

    /**
     * Decodes {@code raw}; returns the record, or null with {@link #deadLetter()} set.
     *
     * @param now processing time for the dead letter, epoch ms
     */
    public PairRecord decode(RawRecord raw, long now) {
        deadLetter = null;
        PairEvent event;
        try {
            event = format == WireFormat.AVRO ? avro.decode(raw.bytes()) : json.read(raw.bytes());
        } catch (WireFormatException e) {
            return refuse(e.reason(), e.getMessage(), raw, null, now);
        }
        String model = event.getModel();
        if (model == null || model.isBlank()) {
            return refuse(DeadLetterReason.EMPTY_MODEL, "model is empty", raw, null, now);
        }
        if (isBlank(event.getEventId())) {
            return refuse(DeadLetterReason.EMPTY_ID, "event_id is empty", raw, model, now);
        }
        if (isBlank(event.getLeft().getId()) || isBlank(event.getRight().getId())) {
            return refuse(
                    DeadLetterReason.EMPTY_ID,
                    (isBlank(event.getLeft().getId()) ? "left" : "right") + ".id is empty",
                    raw,
                    model,
                    now);
        }
        List<Float> left = event.getLeft().getFeatures();
        List<Float> right = event.getRight().getFeatures();
        if (left.isEmpty() || right.isEmpty()) {
            return refuse(
                    DeadLetterReason.EMPTY_FEATURES,
                    (left.isEmpty() ? "left" : "right") + " features are empty",
                    raw,
                    model,
                    now);
        }
        int longest = Math.max(left.size(), right.size());
        if (longest > maxFeatures) {
            return refuse(
                    DeadLetterReason.TOO_MANY_FEATURES,
                    "features have " + longest + " values, more than max-features " + maxFeatures,
                    raw,
                    model,
                    now);
        }
        if (left.size() != right.size()) {
            return refuse(
                    DeadLetterReason.LEFT_RIGHT_DIMENSION_MISMATCH,
                    "left features have "
                            + left.size()
                            + " values, right features have "
                            + right.size(),
                    raw,
                    model,
                    now);
        }
        float[] l = new float[left.size()];
        float[] r = new float[right.size()];
        String bad = copyFinite(event.getLeft(), l, "left");
        if (bad == null) {
            bad = copyFinite(event.getRight(), r, "right");
        }
        if (bad != null) {
            return refuse(DeadLetterReason.NON_FINITE_FEATURE, bad, raw, model, now);
        }
        long eventTime = event.getEventTime().toEpochMilli();
        if (eventTime < 0) {
            return refuse(
                    DeadLetterReason.BAD_TIMESTAMP,
                    "event_time " + eventTime + " is before 1970",
                    raw,
                    model,
                    now);
        }
        if (now >= 0 && eventTime - now > maxEventTimeAhead) {
            return refuse(
                    DeadLetterReason.BAD_TIMESTAMP,
                    "event_time "
                            + event.getEventTime()
                            + " is "
                            + (eventTime - now)
                            + " ms ahead of the engine's clock, more than max-event-time-ahead "
                            + maxEventTimeAhead,
                    raw,
                    model,
                    now);
        }
        return new PairRecord(
                event.getEventId(),
                model,
                event.getLeft().getId(),
                l,
                event.getRight().getId(),
                r,
                label(event.getLabel()),
                eventTime,
                raw.partition(),
                raw.position());
    }

    /** The dead letter of the last {@link #decode} that returned null. */
    public DeadLetter deadLetter() {
        return deadLetter;
    }

    private PairRecord refuse(
            DeadLetterReason reason, String message, RawRecord raw, String model, long now) {
        deadLetter =
                DeadLetters.of(
                        reason,
                        message,
                        source,
                        raw.partition(),
                        raw.position(),
                        raw.bytes(),
                        model,
                        now);
        return null;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    /** Copies the features; returns a message naming the first non-finite value, or null. */
    private static String copyFinite(Item item, float[] into, String side) {
        List<Float> values = item.getFeatures();
        for (int i = 0; i < into.length; i++) {
            Float v = values.get(i);
            if (v == null || !Float.isFinite(v)) {
                return side + " features hold " + v + " at index " + i + "; values must be finite";
            }
            into[i] = v;
        }
        return null;
    }

    private static PairLabel label(io.contrastream.schema.PairLabel label) {
        if (label == null) {
            return null;
        }
        return label == io.contrastream.schema.PairLabel.SAME
                ? PairLabel.SAME
                : PairLabel.DIFFERENT;
    }
}
