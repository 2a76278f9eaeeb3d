package io.contrastream.loss.eval;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Test helpers for the {@link StatefulComponent} contract. */
public final class StateRoundTrip {

    private StateRoundTrip() {}

    /** The bytes {@code component.writeState} writes. */
    public static byte[] bytes(StatefulComponent component) {
        try {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(buffer)) {
                component.writeState(out);
            }
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads {@code bytes} into {@code target}, requiring that all of them are consumed. */
    public static void read(StatefulComponent target, byte[] bytes) throws IOException {
        ByteArrayInputStream buffer = new ByteArrayInputStream(bytes);
        try (DataInputStream in = new DataInputStream(buffer)) {
            target.readState(in);
        }
        if (buffer.available() != 0) {
            throw new AssertionError(buffer.available() + " bytes of state left unread");
        }
    }

    /** Copies the state of {@code source} into {@code target} through bytes. */
    public static void copy(StatefulComponent source, StatefulComponent target) {
        try {
            read(target, bytes(source));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code bytes} without its last {@code n} bytes. */
    public static byte[] truncated(byte[] bytes, int n) {
        return Arrays.copyOf(bytes, bytes.length - n);
    }
}
