package io.contrastream.job.decode;

import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.PairEvent;

/** The JSON reader of pair events, when the format asks for one. */
final class JsonEvents {

    private JsonEvents() {}

    /** A reader for {@code format}: a JSON codec's decode, or null for Avro. */
    static PairDecoder.EventReader reader(WireFormat format) {
        if (format != WireFormat.JSON) {
            return null;
        }
        JsonCodec<PairEvent> codec = JsonCodec.forType(PairEvent.class);
        return codec::decode;
    }
}
