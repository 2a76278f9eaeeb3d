package io.contrastream.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads test resources from the classpath. */
final class TestResources {

    private TestResources() {}

    static byte[] bytes(String name) {
        try (InputStream in = TestResources.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] golden(String kebabType, int version) {
        return bytes("golden/" + GoldenRecords.fileName(kebabType, version));
    }
}
