package io.contrastream.schema;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads and writes one record type as a single JSON object (one line of a JSON-lines stream), with
 * exactly the Avro field names (snake_case) and driven by the record's Avro schema: the engine's
 * {@code --format json}, for kcat, files and people. See the module README, section "JSON format",
 * for examples.
 *
 * <h2>Mapping</h2>
 *
 * <ul>
 *   <li><b>record</b> (the top-level type, {@code Item}): a JSON object, fields in schema order
 *       when written.
 *   <li><b>{@code ["null", X]}</b>: JSON {@code null} or the plain X value, never Avro's {@code
 *       {"X": value}} wrapping. The encoder writes every field, nulls included ({@code
 *       "label":null}); the decoder also accepts an absent field when its default is {@code null}.
 *       Unions of any other shape are refused at construction.
 *   <li><b>string</b>: a JSON string, written as UTF-8 with the escapes JSON requires (quote,
 *       backslash, control characters); a character beyond U+FFFF (an emoji) is written as a
 *       surrogate-pair escape such as <code>&#92;uD83D&#92;uDE00</code>, and a lone surrogate as
 *       its own escape, so every Java string reads back as it was. Any valid JSON string is read.
 *   <li><b>enum</b> ({@code label}, {@code kind}, {@code reason}): the symbol, e.g. {@code "SAME"},
 *       case-sensitive.
 *   <li><b>int, long</b>: a JSON integer in the type's range ({@code 1.0} and {@code 1e3} are not
 *       integers).
 *   <li><b>timestamp-millis</b> ({@code event_time}, {@code window_start}, ...): milliseconds since
 *       the Unix epoch as a JSON integer, e.g. {@code 1700000000000}. An ISO-8601 string is
 *       refused.
 *   <li><b>float, double</b>: a JSON number (an integer such as {@code 1} is accepted), written in
 *       the shortest form that reads back to the same value ({@code 0.1}, {@code 1.0}, {@code
 *       1.0E-5}; the format of {@link Float#toString} and {@link Double#toString} of Java 19 and
 *       later, the same on every JVM). NaN and the infinities are written as the JSON strings
 *       {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} and those exact strings are read
 *       back, so a non-finite feature reaches validation (and its own dead-letter reason) rather
 *       than failing as a parse error. A finite JSON number too large for a {@code float} reads as
 *       an infinity.
 *   <li><b>bytes</b> ({@code DeadLetter.original}): a base64 string, standard alphabet ({@code +},
 *       {@code /}) with {@code =} padding when written; missing padding is tolerated when read.
 *   <li><b>array</b> ({@code features}): a JSON array.
 * </ul>
 *
 * <h2>Decoding and its failures</h2>
 *
 * Input is one JSON object in UTF-8, optionally surrounded by whitespace (a trailing newline is
 * fine). Fields may come in any order; fields the schema does not know are skipped, whatever their
 * value, so a newer producer may add optional fields. A missing field takes its default when it has
 * one. {@code decode} throws only {@link WireFormatException}, whose message starts with the type
 * and names the field by its path (e.g. {@code left.features[2]}) and the value found:
 *
 * <ul>
 *   <li>{@link DeadLetterReason#MISSING_FIELD}: a field without default is absent (e.g. {@code
 *       "missing field left.features"}).
 *   <li>{@link DeadLetterReason#UNKNOWN_LABEL}: a {@code PairLabel} string that is not a symbol,
 *       naming it and the symbols.
 *   <li>{@link DeadLetterReason#BAD_TIMESTAMP}: a timestamp-millis field holding a string (e.g. an
 *       ISO-8601 date), a fraction or an integer beyond the {@code long} range: the value is there,
 *       but it is not a timestamp this format accepts.
 *   <li>{@link DeadLetterReason#UNDECODABLE}: everything else: not JSON, not UTF-8, empty, not an
 *       object, anything after the object, a field given twice, a value of the wrong JSON type
 *       (including {@code null} for a field that is not nullable), a number out of range, an
 *       unknown symbol of any other enum, bad base64, an unknown non-finite spelling (only {@code
 *       "NaN"}, {@code "Infinity"}, {@code "-Infinity"}).
 * </ul>
 *
 * An unknown symbol of an enum that has a default ({@code DeadLetterReason}, default {@code OTHER})
 * reads as that default, as Avro's schema resolution does, so a newer producer may add a reason.
 *
 * <p><b>Hostile input.</b> JSON carries no length prefixes, so nothing is allocated ahead of the
 * data: the decoded record is a small constant factor of the input's own size ({@code float} arrays
 * are kept unboxed, 4 bytes per item of at least 2 input bytes). Jackson's default stream limits
 * apply (nesting depth 1000, numbers of 1000 characters, strings of 20 million characters); a
 * breach is {@code UNDECODABLE}.
 *
 * <p><b>Cost and threads.</b> The Jackson factory is shared (it is thread-safe); each codec reuses
 * one output buffer, so a codec is <em>not</em> thread-safe: use one per thread or operator
 * instance, created in {@code open()} (it is not {@link java.io.Serializable}). Decoding allocates
 * the record, its strings and lists, and a parser.
 *
 * @param <T> the generated record class, e.g. {@link PairEvent}
 */
public final class JsonCodec<T extends SpecificRecord> {

    /**
     * Shared and thread-safe. The Schubfach writer gives the shortest round-tripping form of a
     * float or double on every JVM (Java 17's own {@code Float.toString} is sometimes one digit
     * longer). Jackson's COMBINE_UNICODE_SURROGATES_IN_UTF8 is deliberately left off: in 2.19.2 it
     * joins a lone high surrogate with whatever character follows into a wrong code point, so
     * characters beyond U+FFFF are written as a pair of JSON escapes instead (valid JSON, read back
     * by any parser).
     */
    private static final JsonFactory FACTORY =
            JsonFactory.builder().enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER).build();

    private static final String NAN = "NaN";
    private static final String POSITIVE_INFINITY = "Infinity";
    private static final String NEGATIVE_INFINITY = "-Infinity";

    /** The index of a value that is not an array item. */
    private static final int NO_INDEX = -1;

    /** Longest excerpt of a found string quoted in an error message. */
    private static final int QUOTE_LIMIT = 40;

    private final Class<T> type;
    private final Schema schema;
    private final SpecificData model;
    private final Schema labelSchema = PairLabel.getClassSchema();
    private final ByteArrayOutputStream encodeBuffer = new ByteArrayOutputStream(256);

    private JsonCodec(Class<T> type) {
        this.type = type;
        this.model = SpecificData.getForClass(type);
        this.schema = model.getSchema(type);
        requireSupported(schema, schema, new HashSet<>());
    }

    /**
     * A codec for a generated record class.
     *
     * @param type the generated class, e.g. {@code PairEvent.class}
     * @throws IllegalStateException when its schema uses a type this mapping does not cover (a
     *     union other than {@code ["null", X]}, a map, a fixed, a logical type other than
     *     timestamp-millis)
     */
    public static <T extends SpecificRecord> JsonCodec<T> forType(Class<T> type) {
        return new JsonCodec<>(type);
    }

    /** The schema records are written and read with. */
    public Schema schema() {
        return schema;
    }

    /**
     * Encodes a record as one JSON object in UTF-8: every field in schema order, no whitespace, no
     * trailing newline (add one per record for JSON lines).
     *
     * @return a new array
     * @throws IllegalArgumentException when the record cannot be encoded: a required field is null,
     *     or a value is not of its field's type
     */
    public byte[] encode(T record) {
        encodeBuffer.reset();
        try (JsonGenerator out = FACTORY.createGenerator(encodeBuffer, JsonEncoding.UTF8)) {
            writeRecord(out, record, schema, "");
        } catch (IOException e) {
            // A ByteArrayOutputStream does not fail, so this is Jackson refusing a value (e.g. a
            // string with an unpaired surrogate).
            throw new IllegalArgumentException(
                    "cannot encode " + schema.getName() + " as JSON: " + e.getMessage(), e);
        }
        return encodeBuffer.toByteArray();
    }

    /** {@link #encode} as a string. */
    public String encodeToString(T record) {
        return new String(encode(record), StandardCharsets.UTF_8);
    }

    /**
     * Decodes one JSON object in UTF-8.
     *
     * @param json the object, optionally surrounded by whitespace, nothing else
     * @return a new record
     * @throws WireFormatException when the input is not such an object; see the class doc for the
     *     reasons
     */
    public T decode(byte[] json) throws WireFormatException {
        if (json == null) {
            throw new WireFormatException(DeadLetterReason.UNDECODABLE, "null message", null);
        }
        try (JsonParser in = FACTORY.createParser(json)) {
            return decode(in);
        } catch (IOException | RuntimeException e) {
            throw jacksonFailure(e);
        }
    }

    /** Decodes one JSON object given as a string; see {@link #decode(byte[])}. */
    public T decode(String json) throws WireFormatException {
        if (json == null) {
            throw new WireFormatException(DeadLetterReason.UNDECODABLE, "null message", null);
        }
        try (JsonParser in = FACTORY.createParser(json)) {
            return decode(in);
        } catch (IOException | RuntimeException e) {
            throw jacksonFailure(e);
        }
    }

    // ---------------------------------------------------------------- encoding

    private void writeRecord(JsonGenerator out, Object value, Schema recordSchema, String path)
            throws IOException {
        if (!(value instanceof IndexedRecord)) {
            throw encodeFailure(path, "a " + recordSchema.getName() + " record", value);
        }
        IndexedRecord record = (IndexedRecord) value;
        out.writeStartObject();
        for (Schema.Field field : recordSchema.getFields()) {
            out.writeFieldName(field.name());
            writeValue(
                    out,
                    record.get(field.pos()),
                    field.schema(),
                    join(path, field.name()),
                    NO_INDEX);
        }
        out.writeEndObject();
    }

    private void writeValue(
            JsonGenerator out, Object value, Schema valueSchema, String path, int index)
            throws IOException {
        switch (valueSchema.getType()) {
            case UNION:
                if (value == null) {
                    out.writeNull();
                } else {
                    writeValue(out, value, nonNullBranch(valueSchema), path, index);
                }
                return;
            case RECORD:
                writeRecord(out, value, valueSchema, at(path, index));
                return;
            case STRING:
                if (!(value instanceof CharSequence)) {
                    throw encodeFailure(at(path, index), "a string", value);
                }
                out.writeString(value.toString());
                return;
            case ENUM:
                if (!(value instanceof Enum || value instanceof GenericEnumSymbol)) {
                    throw encodeFailure(
                            at(path, index), "a " + valueSchema.getName() + " symbol", value);
                }
                out.writeString(value.toString());
                return;
            case BOOLEAN:
                if (!(value instanceof Boolean)) {
                    throw encodeFailure(at(path, index), "a boolean", value);
                }
                out.writeBoolean((Boolean) value);
                return;
            case INT:
                if (!(value instanceof Integer)) {
                    throw encodeFailure(at(path, index), "an int", value);
                }
                out.writeNumber((Integer) value);
                return;
            case LONG:
                if (value instanceof Instant && isTimestampMillis(valueSchema)) {
                    out.writeNumber(((Instant) value).toEpochMilli());
                } else if (value instanceof Long) {
                    out.writeNumber((Long) value);
                } else {
                    throw encodeFailure(
                            at(path, index),
                            isTimestampMillis(valueSchema) ? "an Instant" : "a long",
                            value);
                }
                return;
            case FLOAT:
                if (!(value instanceof Float)) {
                    throw encodeFailure(at(path, index), "a float", value);
                }
                float f = (Float) value;
                if (Float.isFinite(f)) {
                    out.writeNumber(f);
                } else {
                    out.writeString(nonFiniteName(f));
                }
                return;
            case DOUBLE:
                if (!(value instanceof Double)) {
                    throw encodeFailure(at(path, index), "a double", value);
                }
                double d = (Double) value;
                if (Double.isFinite(d)) {
                    out.writeNumber(d);
                } else {
                    out.writeString(nonFiniteName(d));
                }
                return;
            case BYTES:
                if (!(value instanceof ByteBuffer)) {
                    throw encodeFailure(at(path, index), "a ByteBuffer", value);
                }
                // The buffer's position is left alone: encoding must not consume the record.
                ByteBuffer bytes = ((ByteBuffer) value).duplicate();
                byte[] copy = new byte[bytes.remaining()];
                bytes.get(copy);
                out.writeString(Base64.getEncoder().encodeToString(copy));
                return;
            case ARRAY:
                if (!(value instanceof Collection)) {
                    throw encodeFailure(at(path, index), "a list", value);
                }
                out.writeStartArray();
                int i = 0;
                for (Object item : (Collection<?>) value) {
                    writeValue(out, item, valueSchema.getElementType(), at(path, index), i);
                    i++;
                }
                out.writeEndArray();
                return;
            default:
                throw new IllegalStateException("unsupported schema type " + valueSchema);
        }
    }

    private IllegalArgumentException encodeFailure(String path, String expected, Object found) {
        return new IllegalArgumentException(
                "cannot encode "
                        + schema.getName()
                        + " as JSON: "
                        + path
                        + " must be "
                        + expected
                        + ", is "
                        + (found == null ? "null" : "a " + found.getClass().getName()));
    }

    private static String nonFiniteName(double value) {
        return Double.isNaN(value) ? NAN : value > 0 ? POSITIVE_INFINITY : NEGATIVE_INFINITY;
    }

    // ---------------------------------------------------------------- decoding

    private T decode(JsonParser in) throws IOException, WireFormatException {
        JsonToken first = in.nextToken();
        if (first == null) {
            throw undecodable("empty input, expected a JSON object", null);
        }
        if (first != JsonToken.START_OBJECT) {
            throw undecodable("expected a JSON object, found " + describe(in), null);
        }
        Object record = readRecord(in, schema, "");
        JsonToken after = in.nextToken();
        if (after != null) {
            throw undecodable(
                    "trailing content after the JSON object: "
                            + describe(in)
                            + " at "
                            + location(in),
                    null);
        }
        return type.cast(record);
    }

    /** Reads a record's fields; the parser is on its START_OBJECT and is left on its END_OBJECT. */
    private Object readRecord(JsonParser in, Schema recordSchema, String path)
            throws IOException, WireFormatException {
        IndexedRecord record = (IndexedRecord) model.newRecord(null, recordSchema);
        List<Schema.Field> fields = recordSchema.getFields();
        boolean[] seen = new boolean[fields.size()];
        String name;
        while ((name = in.nextFieldName()) != null) {
            Schema.Field field = recordSchema.getField(name);
            if (field == null) {
                in.nextToken();
                in.skipChildren(); // a field of a newer schema version: ignored
                continue;
            }
            String fieldPath = join(path, name);
            if (seen[field.pos()]) {
                throw undecodable(fieldPath + ": field given twice", null);
            }
            seen[field.pos()] = true;
            in.nextToken();
            record.put(field.pos(), readValue(in, field.schema(), fieldPath, NO_INDEX));
        }
        for (Schema.Field field : fields) {
            if (seen[field.pos()]) {
                continue;
            }
            if (!field.hasDefaultValue()) {
                throw new WireFormatException(
                        DeadLetterReason.MISSING_FIELD,
                        prefix() + "missing field " + join(path, field.name()),
                        null);
            }
            record.put(field.pos(), model.getDefaultValue(field));
        }
        return record;
    }

    /** Reads the value the parser is on (its first token); leaves the parser on its last token. */
    private Object readValue(JsonParser in, Schema valueSchema, String path, int index)
            throws IOException, WireFormatException {
        JsonToken token = in.currentToken();
        switch (valueSchema.getType()) {
            case UNION:
                return token == JsonToken.VALUE_NULL
                        ? null
                        : readValue(in, nonNullBranch(valueSchema), path, index);
            case RECORD:
                requireToken(in, JsonToken.START_OBJECT, path, index, "a JSON object");
                return readRecord(in, valueSchema, at(path, index));
            case STRING:
                requireToken(in, JsonToken.VALUE_STRING, path, index, "a string");
                return in.getText();
            case ENUM:
                requireToken(in, JsonToken.VALUE_STRING, path, index, "a " + valueSchema.getName());
                return readEnum(in.getText(), valueSchema, path, index);
            case BOOLEAN:
                if (token == JsonToken.VALUE_TRUE) {
                    return Boolean.TRUE;
                }
                if (token == JsonToken.VALUE_FALSE) {
                    return Boolean.FALSE;
                }
                throw wrongType(in, path, index, "true or false");
            case INT:
                return readInt(in, path, index);
            case LONG:
                if (isTimestampMillis(valueSchema)) {
                    return readTimestamp(in, path, index);
                }
                return readLong(in, path, index);
            case FLOAT:
                return readFloat(in, path, index);
            case DOUBLE:
                return readDouble(in, path, index);
            case BYTES:
                requireToken(in, JsonToken.VALUE_STRING, path, index, "a base64 string");
                try {
                    return ByteBuffer.wrap(Base64.getDecoder().decode(in.getText()));
                } catch (IllegalArgumentException e) {
                    throw undecodable(
                            at(path, index) + ": expected a base64 string, found " + describe(in),
                            e);
                }
            case ARRAY:
                requireToken(in, JsonToken.START_ARRAY, path, index, "a JSON array");
                return readArray(in, valueSchema, at(path, index));
            default:
                throw new IllegalStateException("unsupported schema type " + valueSchema);
        }
    }

    private Object readArray(JsonParser in, Schema arraySchema, String path)
            throws IOException, WireFormatException {
        // Avro's model keeps float, double, int, long and boolean arrays unboxed. The initial
        // capacity is small and fixed: JSON gives no length ahead, and growth follows the input.
        @SuppressWarnings("unchecked")
        Collection<Object> items = (Collection<Object>) model.newArray(null, 16, arraySchema);
        Schema itemSchema = arraySchema.getElementType();
        int i = 0;
        while (in.nextToken() != JsonToken.END_ARRAY) {
            items.add(readValue(in, itemSchema, path, i));
            i++;
        }
        return items;
    }

    private Object readEnum(String symbol, Schema enumSchema, String path, int index)
            throws WireFormatException {
        if (enumSchema.hasEnumSymbol(symbol)) {
            return model.createEnum(symbol, enumSchema);
        }
        if (enumSchema.getEnumDefault() != null) {
            return model.createEnum(enumSchema.getEnumDefault(), enumSchema);
        }
        String what =
                at(path, index)
                        + ": unknown "
                        + enumSchema.getName()
                        + " "
                        + quote(symbol)
                        + ", expected one of "
                        + String.join(", ", enumSchema.getEnumSymbols());
        if (enumSchema.equals(labelSchema)) {
            throw new WireFormatException(DeadLetterReason.UNKNOWN_LABEL, prefix() + what, null);
        }
        throw undecodable(what, null);
    }

    private Integer readInt(JsonParser in, String path, int index)
            throws IOException, WireFormatException {
        requireToken(in, JsonToken.VALUE_NUMBER_INT, path, index, "an integer");
        if (in.getNumberType() != JsonParser.NumberType.INT) {
            throw undecodable(
                    at(path, index) + ": integer " + in.getText() + " is out of the int range",
                    null);
        }
        return in.getIntValue();
    }

    private Long readLong(JsonParser in, String path, int index)
            throws IOException, WireFormatException {
        requireToken(in, JsonToken.VALUE_NUMBER_INT, path, index, "an integer");
        if (in.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw undecodable(
                    at(path, index) + ": integer " + in.getText() + " is out of the long range",
                    null);
        }
        return in.getLongValue();
    }

    private Instant readTimestamp(JsonParser in, String path, int index)
            throws IOException, WireFormatException {
        JsonToken token = in.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT
                && in.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return Instant.ofEpochMilli(in.getLongValue());
        }
        if (token == JsonToken.VALUE_STRING
                || token == JsonToken.VALUE_NUMBER_INT
                || token == JsonToken.VALUE_NUMBER_FLOAT) {
            throw new WireFormatException(
                    DeadLetterReason.BAD_TIMESTAMP,
                    prefix()
                            + at(path, index)
                            + ": expected milliseconds since the Unix epoch as a JSON integer"
                            + " (e.g. 1700000000000), found "
                            + describe(in)
                            + (token == JsonToken.VALUE_STRING
                                    ? "; date strings are not accepted"
                                    : ""),
                    null);
        }
        throw wrongType(in, path, index, "milliseconds since the Unix epoch as a JSON integer");
    }

    private Float readFloat(JsonParser in, String path, int index)
            throws IOException, WireFormatException {
        JsonToken token = in.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return in.getFloatValue();
        }
        if (token == JsonToken.VALUE_STRING) {
            switch (in.getText()) {
                case NAN:
                    return Float.NaN;
                case POSITIVE_INFINITY:
                    return Float.POSITIVE_INFINITY;
                case NEGATIVE_INFINITY:
                    return Float.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw wrongType(
                in, path, index, "a float (a JSON number, \"NaN\", \"Infinity\" or \"-Infinity\")");
    }

    private Double readDouble(JsonParser in, String path, int index)
            throws IOException, WireFormatException {
        JsonToken token = in.currentToken();
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
            return in.getDoubleValue();
        }
        if (token == JsonToken.VALUE_STRING) {
            switch (in.getText()) {
                case NAN:
                    return Double.NaN;
                case POSITIVE_INFINITY:
                    return Double.POSITIVE_INFINITY;
                case NEGATIVE_INFINITY:
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw wrongType(
                in,
                path,
                index,
                "a double (a JSON number, \"NaN\", \"Infinity\" or \"-Infinity\")");
    }

    private void requireToken(
            JsonParser in, JsonToken expected, String path, int index, String what)
            throws WireFormatException {
        if (in.currentToken() != expected) {
            throw wrongType(in, path, index, what);
        }
    }

    private WireFormatException wrongType(JsonParser in, String path, int index, String expected) {
        return undecodable(
                at(path, index) + ": expected " + expected + ", found " + describe(in), null);
    }

    /** What the parser is on, for a message: {@code the string "abc"}, {@code the number 1.5}. */
    private static String describe(JsonParser in) {
        JsonToken token = in.currentToken();
        if (token == null) {
            return "the end of the input";
        }
        try {
            switch (token) {
                case START_OBJECT:
                    return "an object";
                case START_ARRAY:
                    return "an array";
                case VALUE_STRING:
                    return "the string " + quote(in.getText());
                case VALUE_NUMBER_INT:
                case VALUE_NUMBER_FLOAT:
                    return "the number " + abbreviate(in.getText());
                case VALUE_TRUE:
                    return "true";
                case VALUE_FALSE:
                    return "false";
                case VALUE_NULL:
                    return "null";
                default:
                    return token.asString() == null ? token.name() : token.asString();
            }
        } catch (IOException e) {
            return token.name();
        }
    }

    private static String quote(String text) {
        return "\"" + abbreviate(text) + "\"";
    }

    private static String abbreviate(String text) {
        return text.length() <= QUOTE_LIMIT
                ? text
                : text.substring(0, QUOTE_LIMIT) + "... (" + text.length() + " characters)";
    }

    private static String location(JsonParser in) {
        return "line "
                + in.currentLocation().getLineNr()
                + ", column "
                + in.currentLocation().getColumnNr();
    }

    private String prefix() {
        return schema.getName() + " JSON: ";
    }

    private WireFormatException undecodable(String what, Throwable cause) {
        return new WireFormatException(DeadLetterReason.UNDECODABLE, prefix() + what, cause);
    }

    /** Jackson's own failures: malformed JSON, bad UTF-8, a stream limit. */
    private WireFormatException jacksonFailure(Exception e) {
        if (e instanceof WireFormatException) {
            return (WireFormatException) e;
        }
        String detail =
                e instanceof JsonProcessingException
                        ? ((JsonProcessingException) e).getOriginalMessage()
                                + locationOf((JsonProcessingException) e)
                        : e.toString();
        return undecodable("not a valid JSON object: " + detail, e);
    }

    private static String locationOf(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " at line "
                        + e.getLocation().getLineNr()
                        + ", column "
                        + e.getLocation().getColumnNr();
    }

    // ---------------------------------------------------------------- schema

    /**
     * Path of a value for a message: {@code path} itself, or with {@code [index]} for an array
     * item. Built only when a message needs it, so that no string is made per array item.
     */
    private static String at(String path, int index) {
        return index == NO_INDEX ? path : path + "[" + index + "]";
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static boolean isTimestampMillis(Schema longSchema) {
        return longSchema.getLogicalType() instanceof LogicalTypes.TimestampMillis;
    }

    /** X of a {@code ["null", X]} union (checked at construction). */
    private static Schema nonNullBranch(Schema union) {
        List<Schema> branches = union.getTypes();
        return branches.get(0).getType() == Schema.Type.NULL ? branches.get(1) : branches.get(0);
    }

    /** Refuses what the mapping does not cover, so that it never guesses at run time. */
    private static void requireSupported(Schema s, Schema root, Set<String> visited) {
        LogicalType logical = s.getLogicalType();
        if (logical != null && !(logical instanceof LogicalTypes.TimestampMillis)) {
            throw unsupported(root, "logical type " + logical.getName());
        }
        switch (s.getType()) {
            case RECORD:
                if (visited.add(s.getFullName())) {
                    for (Schema.Field field : s.getFields()) {
                        requireSupported(field.schema(), root, visited);
                    }
                }
                return;
            case ARRAY:
                requireSupported(s.getElementType(), root, visited);
                return;
            case UNION:
                List<Schema> branches = s.getTypes();
                long nulls = branches.stream().filter(b -> b.getType() == Schema.Type.NULL).count();
                if (branches.size() != 2 || nulls != 1) {
                    throw unsupported(root, "union " + s + " (only [\"null\", X] is mapped)");
                }
                requireSupported(nonNullBranch(s), root, visited);
                return;
            case STRING:
            case ENUM:
            case BOOLEAN:
            case INT:
            case LONG:
            case FLOAT:
            case DOUBLE:
            case BYTES:
                return;
            default:
                throw unsupported(root, s.getType().getName());
        }
    }

    private static IllegalStateException unsupported(Schema root, String what) {
        return new IllegalStateException(
                "JsonCodec cannot map " + what + " in " + root.getFullName());
    }
}
