package io.contrastream.job.decode;

/** The two encodings of records on the wire. */
public enum WireFormat {
    /** Avro single-object encoding (schemas/README.md): compact, schema-evolving. The default. */
    AVRO,
    /** One JSON object per record, the Avro field names, for kcat, files and people. */
    JSON
}
