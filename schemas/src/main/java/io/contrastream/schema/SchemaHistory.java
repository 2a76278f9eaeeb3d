package io.contrastream.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.avro.Schema;

/**
 * The committed writer schemas of each wire type, oldest first, read from the classpath.
 *
 * <p>Version {@code N} of type {@code T} lives at {@code io/contrastream/schema/history/T-vN.avsc},
 * a self-contained schema (every named type it uses is defined inline). Versions are numbered from
 * 1 without gaps; loading stops at the first missing number. A schema change is shipped by adding
 * the next file, never by editing an old one: old files are what lets a {@link WireCodec} keep
 * reading data written before the change. {@code SchemaHistoryTest} fails when the newest file
 * differs from the generated class's schema.
 */
public final class SchemaHistory {

    /** Classpath folder (no leading slash) holding the history files. */
    public static final String RESOURCE_FOLDER = "io/contrastream/schema/history/";

    private SchemaHistory() {}

    /** Resource name of version {@code version} (from 1) of type {@code typeName}. */
    public static String resourceName(String typeName, int version) {
        if (version < 1) {
            throw new IllegalArgumentException("schema versions start at 1, got " + version);
        }
        return RESOURCE_FOLDER + typeName + "-v" + version + ".avsc";
    }

    /**
     * Every committed version of a type, oldest first.
     *
     * @param typeName simple name of the record, e.g. {@code "PairEvent"}
     * @return the parsed schemas; empty when no version is committed
     * @throws UncheckedIOException when a file cannot be read
     * @throws org.apache.avro.SchemaParseException when a file is not a valid schema
     */
    public static List<Schema> load(String typeName) {
        ClassLoader loader = SchemaHistory.class.getClassLoader();
        List<Schema> schemas = new ArrayList<>();
        for (int version = 1; ; version++) {
            String name = resourceName(typeName, version);
            try (InputStream in = loader.getResourceAsStream(name)) {
                if (in == null) {
                    return Collections.unmodifiableList(schemas);
                }
                schemas.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema history file " + name, e);
            }
        }
    }
}
