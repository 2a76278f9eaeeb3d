package io.contrastream.job.train;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.RecordEncoder;
import io.contrastream.job.model.PairRecord;
import io.contrastream.loss.PairLabel;
import io.contrastream.schema.Item;
import io.contrastream.schema.PairEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link PairRecord} back into bytes of the job's wire format, for dead letters written
 * after decoding. Not thread-safe: one per operator instance.
 */
final class PairEventEncoder {

    private final RecordEncoder<PairEvent> codec;

    PairEventEncoder(WireFormat format) {
        this.codec = new RecordEncoder<>(PairEvent.class, format);
    }

    byte[] encode(PairRecord pair) {
        PairEvent event =
                PairEvent.newBuilder()
                        .setEventId(pair.eventId())
                        .setModel(pair.model())
                        .setLeft(item(pair.leftId(), pair.left()))
                        .setRight(item(pair.rightId(), pair.right()))
                        .setLabel(toAvro(pair.label()))
                        .setEventTime(Instant.ofEpochMilli(pair.eventTime()))
                        .build();
        return codec.encode(event);
    }

    private static Item item(String id, float[] features) {
        List<Float> values = new ArrayList<>(features.length);
        for (float v : features) {
            values.add(v);
        }
        return Item.newBuilder().setId(id).setFeatures(values).build();
    }

    /** The wire label of an engine label (null stays null). */
    static io.contrastream.schema.PairLabel toAvro(PairLabel label) {
        if (label == null) {
            return null;
        }
        return label == PairLabel.SAME
                ? io.contrastream.schema.PairLabel.SAME
                : io.contrastream.schema.PairLabel.DIFFERENT;
    }
}
