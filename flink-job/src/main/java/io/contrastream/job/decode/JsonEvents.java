package io.contrastream.job.decode;

/** The JSON reader of pair events, when the format asks for one. */
final class JsonEvents {

    private JsonEvents() {}

    static PairDecoder.EventReader reader(WireFormat format) {
        if (format != WireFormat.JSON) {
            return null;
        }
        throw new UnsupportedOperationException("JSON format: coming with JsonCodec");
    }
}
