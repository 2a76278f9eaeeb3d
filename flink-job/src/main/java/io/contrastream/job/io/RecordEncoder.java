package io.contrastream.job.io;

import io.contrastream.job.decode.WireFormat;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.WireCodec;
import java.io.Serializable;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes the job's output records in the chosen wire format: Avro single-object encoding or one
 * JSON object. Serializable configuration; the codec itself is built on first use in each task
 * (codecs are not thread-safe: one encoder per sink writer).
 */
public final class RecordEncoder<T extends SpecificRecord> implements Serializable {

    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final WireFormat format;
    private transient WireCodec<T> avro;
    private transient JsonCodec<T> json;

    public RecordEncoder(Class<T> type, WireFormat format) {
        this.type = type;
        this.format = format;
    }

    /** The format records are written in. */
    public WireFormat format() {
        return format;
    }

    /** The record's bytes: Avro single-object encoding, or UTF-8 JSON without a newline. */
    public byte[] encode(T record) {
        if (format == WireFormat.AVRO) {
            if (avro == null) {
                avro = WireCodec.forType(type);
            }
            return avro.encode(record);
        }
        if (json == null) {
            json = JsonCodec.forType(type);
        }
        return json.encode(record);
    }
}
