package io.contrastream.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads and writes one record type in Avro's single-object encoding: {@code C3 01}, the 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer schema's Parsing Canonical Form, then the
 * Avro binary body (see the module README for a byte-by-byte example).
 *
 * <p><b>Writing</b> always uses the current (reader) schema. <b>Reading</b> accepts a message
 * written with any schema the codec knows (every committed {@link SchemaHistory} version of the
 * type, plus the current one) and resolves it to the current schema, so a field added with a
 * default is filled in for old data. Each known writer schema is checked at construction to be
 * resolvable to the reader schema; an incompatible history fails fast with {@link
 * IllegalStateException}.
 *
 * <p><b>Hostile input.</b> {@link #decode(byte[])} never throws an unchecked exception or an {@link
 * OutOfMemoryError} for bad bytes: it throws {@link WireFormatException}. Before the body is
 * materialised it is skipped once against the writer schema without allocating (Avro's {@code
 * GenericDatumReader.skip}); a length prefix or block count reaching past the end of the message
 * fails there, so the real decode never allocates more than the message's own length per string,
 * byte string or array. Trailing bytes after the body are refused. For that guarantee every array
 * item must occupy at least one byte on the wire: a schema with arrays of {@code null} or of empty
 * records is refused at construction.
 *
 * <p><b>Cost and threads.</b> The Avro encoder, decoders and resolvers are built once per codec; a
 * decode allocates the record (unless one is passed for reuse) and a small stream wrapper. A codec
 * is <em>not</em> thread-safe: use one per thread or per operator instance, created in {@code
 * open()} (it is not {@link java.io.Serializable}).
 *
 * @param <T> the record type: a generated {@link SpecificRecord} ({@link #forType}) or {@link
 *     GenericRecord} ({@link #generic})
 */
public final class WireCodec<T> {

    /** First byte of every single-object message. */
    public static final byte MARKER_0 = (byte) 0xC3;

    /** Second byte of every single-object message (format version 1). */
    public static final byte MARKER_1 = (byte) 0x01;

    /** Bytes before the body: 2 marker bytes and the 8-byte fingerprint. */
    public static final int HEADER_LENGTH = 10;

    private final Schema readerSchema;
    private final long readerFingerprint;
    private final Map<Long, Schema> writerSchemas;
    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;
    private final ByteArrayOutputStream encodeBuffer = new ByteArrayOutputStream(256);
    private BinaryDecoder scanDecoder;

    private WireCodec(GenericData model, Schema readerSchema, Collection<Schema> history) {
        this.readerSchema = readerSchema;
        this.readerFingerprint = fingerprintOf(readerSchema);
        SchemaStore.Cache store = new SchemaStore.Cache();
        Map<Long, Schema> known = new HashMap<>();
        List<Schema> all = new ArrayList<>(history);
        all.add(readerSchema);
        for (Schema writer : all) {
            requireNonEmptyArrayItems(writer, writer);
            SchemaCompatibility.SchemaPairCompatibility compatibility =
                    SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writer);
            if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                throw new IllegalStateException(
                        "writer schema "
                                + hex(fingerprintOf(writer))
                                + " of "
                                + writer.getFullName()
                                + " cannot be read as the current schema "
                                + hex(readerFingerprint)
                                + ": "
                                + compatibility.getDescription());
            }
            store.addSchema(writer);
            known.put(fingerprintOf(writer), writer);
        }
        this.writerSchemas = Collections.unmodifiableMap(known);
        this.encoder = new BinaryMessageEncoder<>(model, readerSchema);
        this.decoder = new BinaryMessageDecoder<>(model, readerSchema, store);
        for (Schema writer : known.values()) {
            decoder.addSchema(writer); // resolve every known version now, not on the first message
        }
    }

    /**
     * A codec for a generated record class, knowing every committed version of its schema.
     *
     * @param type the generated class, e.g. {@code PairEvent.class}
     * @throws IllegalStateException when a committed version cannot be read as the current schema
     */
    public static <T extends SpecificRecord> WireCodec<T> forType(Class<T> type) {
        Schema current = SpecificData.get().getSchema(type);
        return forType(type, SchemaHistory.load(current.getName()));
    }

    /**
     * A codec for a generated record class that knows the given writer schemas besides the current
     * one.
     *
     * @param type the generated class
     * @param writerSchemas earlier versions to accept; the current schema is always accepted
     * @throws IllegalStateException when one of them cannot be read as the current schema
     */
    public static <T extends SpecificRecord> WireCodec<T> forType(
            Class<T> type, Collection<Schema> writerSchemas) {
        SpecificData model = SpecificData.getForClass(type);
        return new WireCodec<>(model, model.getSchema(type), writerSchemas);
    }

    /**
     * A codec for generic records of {@code readerSchema}, knowing the given writer schemas besides
     * the reader schema itself. Timestamps with logical type {@code timestamp-millis} are read as
     * {@link java.time.Instant}, as in the generated classes. Meant for tools and for tests that
     * simulate a schema version no class exists for.
     *
     * @throws IllegalStateException when a writer schema cannot be read as {@code readerSchema}
     */
    public static WireCodec<GenericRecord> generic(
            Schema readerSchema, Collection<Schema> writerSchemas) {
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        return new WireCodec<>(model, readerSchema, writerSchemas);
    }

    /** The schema records are written with and resolved to. */
    public Schema readerSchema() {
        return readerSchema;
    }

    /** Fingerprint this codec writes into every message: that of {@link #readerSchema()}. */
    public long fingerprint() {
        return readerFingerprint;
    }

    /** Fingerprints of every writer schema this codec reads, in ascending order. */
    public Set<Long> knownFingerprints() {
        return Collections.unmodifiableSet(new TreeSet<>(writerSchemas.keySet()));
    }

    /**
     * CRC-64-AVRO fingerprint of a schema's Parsing Canonical Form, as written (little-endian) in
     * the header. Documentation, defaults and logical types do not change it; names, field order
     * and types do.
     */
    public static long fingerprintOf(Schema schema) {
        return SchemaNormalization.parsingFingerprint64(schema);
    }

    /**
     * Encodes a record.
     *
     * @return a new array holding the whole message, header included
     * @throws IllegalArgumentException when the record cannot be encoded, e.g. a required field is
     *     null
     */
    public byte[] encode(T record) {
        encodeBuffer.reset();
        try {
            encode(record, encodeBuffer);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return encodeBuffer.toByteArray();
    }

    /**
     * Writes the whole message of a record, header included, to {@code out}.
     *
     * @throws IOException when {@code out} fails
     * @throws IllegalArgumentException when the record cannot be encoded, e.g. a required field is
     *     null
     */
    public void encode(T record, OutputStream out) throws IOException {
        try {
            encoder.encode(record, out);
        } catch (IOException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "cannot encode " + readerSchema.getName() + ": " + e.getMessage(), e);
        }
    }

    /** Decodes a whole message into a new record; see {@link #decode(byte[], Object)}. */
    public T decode(byte[] message) throws WireFormatException {
        return decode(message, null);
    }

    /**
     * Decodes a whole message, resolving its writer schema to the current one.
     *
     * @param message exactly one single-object message, nothing before or after it
     * @param reuse a record to fill in place, or {@code null} for a new one
     * @return the record
     * @throws WireFormatException with {@link DeadLetterReason#UNKNOWN_SCHEMA} when the writer
     *     fingerprint is unknown, else {@link DeadLetterReason#UNDECODABLE}
     */
    public T decode(byte[] message, T reuse) throws WireFormatException {
        Schema writer = writerSchemaOf(message);
        try {
            scanDecoder =
                    DecoderFactory.get()
                            .binaryDecoder(
                                    message,
                                    HEADER_LENGTH,
                                    message.length - HEADER_LENGTH,
                                    scanDecoder);
            GenericDatumReader.skip(writer, scanDecoder);
            if (!scanDecoder.isEnd()) {
                throw undecodable(
                        message,
                        "trailing bytes after the "
                                + writer.getName()
                                + " body ("
                                + message.length
                                + " bytes in all)",
                        null);
            }
        } catch (IOException | RuntimeException e) {
            throw undecodable(message, "malformed " + writer.getName() + " body: " + e, e);
        }
        try {
            return decoder.decode(message, reuse);
        } catch (IOException | RuntimeException e) {
            throw undecodable(message, "malformed " + writer.getName() + " body: " + e, e);
        }
    }

    /**
     * The writer schema named by a message's header, without decoding the body.
     *
     * @throws WireFormatException {@link DeadLetterReason#UNDECODABLE} for a missing or bad header,
     *     {@link DeadLetterReason#UNKNOWN_SCHEMA} for an unknown fingerprint
     */
    public Schema writerSchemaOf(byte[] message) throws WireFormatException {
        if (message == null) {
            throw new WireFormatException(DeadLetterReason.UNDECODABLE, "null message", null);
        }
        if (message.length < HEADER_LENGTH) {
            throw undecodable(
                    message,
                    "message has "
                            + message.length
                            + " bytes, a single-object header alone has "
                            + HEADER_LENGTH,
                    null);
        }
        if (message[0] != MARKER_0 || message[1] != MARKER_1) {
            throw undecodable(
                    message,
                    String.format(
                            "message starts with %02X %02X, single-object encoding with C3 01",
                            message[0] & 0xFF, message[1] & 0xFF),
                    null);
        }
        long fingerprint = readFingerprint(message);
        Schema writer = writerSchemas.get(fingerprint);
        if (writer == null) {
            throw new WireFormatException(
                    DeadLetterReason.UNKNOWN_SCHEMA,
                    "writer schema fingerprint "
                            + hex(fingerprint)
                            + " is not a known version of "
                            + readerSchema.getFullName()
                            + " (known: "
                            + hexAll(knownFingerprints())
                            + ")",
                    null);
        }
        return writer;
    }

    /** The little-endian fingerprint at bytes 2..9 of a message at least 10 bytes long. */
    private static long readFingerprint(byte[] message) {
        long fingerprint = 0;
        for (int i = HEADER_LENGTH - 1; i >= 2; i--) {
            fingerprint = (fingerprint << 8) | (message[i] & 0xFFL);
        }
        return fingerprint;
    }

    private WireFormatException undecodable(byte[] message, String what, Throwable cause) {
        return new WireFormatException(
                DeadLetterReason.UNDECODABLE,
                what + " (expected a single-object " + readerSchema.getName() + ")",
                cause);
    }

    /** Fingerprint as the 8 header bytes in wire order, e.g. {@code "0x5D1B...".} */
    static String hex(long fingerprint) {
        ByteBuffer le = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        le.putLong(fingerprint);
        StringBuilder out = new StringBuilder("0x");
        for (byte b : le.array()) {
            out.append(String.format("%02X", b & 0xFF));
        }
        return out.toString();
    }

    private static String hexAll(Set<Long> fingerprints) {
        List<String> out = new ArrayList<>();
        for (long fingerprint : fingerprints) {
            out.add(hex(fingerprint));
        }
        return String.join(", ", out);
    }

    private static void requireNonEmptyArrayItems(Schema schema, Schema root) {
        requireNonEmptyArrayItems(schema, root, new java.util.HashSet<>());
    }

    private static void requireNonEmptyArrayItems(Schema schema, Schema root, Set<String> visited) {
        switch (schema.getType()) {
            case RECORD:
                if (!visited.add(schema.getFullName())) {
                    return;
                }
                for (Schema.Field field : schema.getFields()) {
                    requireNonEmptyArrayItems(field.schema(), root, visited);
                }
                return;
            case ARRAY:
                if (minWireBytes(schema.getElementType(), new java.util.HashSet<>()) == 0) {
                    throw new IllegalStateException(
                            "schema "
                                    + root.getFullName()
                                    + " has an array whose items take no bytes on the wire ("
                                    + schema.getElementType()
                                    + "): a tiny message could then claim billions of items");
                }
                requireNonEmptyArrayItems(schema.getElementType(), root, visited);
                return;
            case MAP:
                requireNonEmptyArrayItems(schema.getValueType(), root, visited);
                return;
            case UNION:
                for (Schema branch : schema.getTypes()) {
                    requireNonEmptyArrayItems(branch, root, visited);
                }
                return;
            default:
                return;
        }
    }

    /** Fewest bytes a value of the schema can take in the binary encoding. */
    private static int minWireBytes(Schema schema, Set<String> visiting) {
        switch (schema.getType()) {
            case NULL:
                return 0;
            case FLOAT:
                return 4;
            case DOUBLE:
                return 8;
            case FIXED:
                return schema.getFixedSize();
            case RECORD:
                if (!visiting.add(schema.getFullName())) {
                    return 1; // a recursive record must nest through a union or collection
                }
                int sum = 0;
                for (Schema.Field field : schema.getFields()) {
                    sum += minWireBytes(field.schema(), visiting);
                }
                visiting.remove(schema.getFullName());
                return sum;
            default:
                return 1; // boolean, int, long, enum, string, bytes, array, map, union
        }
    }
}
