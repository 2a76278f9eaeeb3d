package io.contrastream.loss.eval;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Helpers shared by the {@link StatefulComponent} implementations: a header naming the writer and
 * its format version, and checks that stored configuration equals the configured one.
 *
 * <p>Doubles are compared by their bits ({@link Double#compare}), so a configuration of {@code 0.1}
 * only accepts state written with exactly {@code 0.1}.
 */
public final class StateFormat {

    private StateFormat() {}

    /** Writes the header: the component's name and its state format version. */
    public static void writeHeader(DataOutput out, String component, int version)
            throws IOException {
        out.writeUTF(component);
        out.writeInt(version);
    }

    /**
     * Reads and checks a header written by {@link #writeHeader}.
     *
     * @throws IOException if the name or the version differs
     */
    public static void readHeader(DataInput in, String component, int version) throws IOException {
        String storedComponent = in.readUTF();
        if (!storedComponent.equals(component)) {
            throw new IOException(
                    "state was written by '"
                            + storedComponent
                            + "', cannot be read by '"
                            + component
                            + "'");
        }
        int storedVersion = in.readInt();
        if (storedVersion != version) {
            throw new IOException(
                    component
                            + " state has format version "
                            + storedVersion
                            + ", this build reads version "
                            + version);
        }
    }

    /** Reads a double and checks that it equals the configured value. */
    public static void expectSetting(
            DataInput in, String component, String setting, double configured) throws IOException {
        double stored = in.readDouble();
        if (Double.compare(stored, configured) != 0) {
            throw new IOException(mismatch(component, setting, stored, configured));
        }
    }

    /** Reads a long and checks that it equals the configured value. */
    public static void expectSetting(
            DataInput in, String component, String setting, long configured) throws IOException {
        long stored = in.readLong();
        if (stored != configured) {
            throw new IOException(mismatch(component, setting, stored, configured));
        }
    }

    /** Throws unless {@code value} lies in {@code [min, max]}; for counts read from state. */
    public static long checkRange(String component, String field, long value, long min, long max)
            throws IOException {
        if (value < min || value > max) {
            throw new IOException(
                    component
                            + " state has "
                            + field
                            + " = "
                            + value
                            + ", outside ["
                            + min
                            + ", "
                            + max
                            + "]");
        }
        return value;
    }

    private static String mismatch(
            String component, String setting, Object stored, Object configured) {
        return component
                + " state was written with "
                + setting
                + " = "
                + stored
                + ", this instance is configured with "
                + setting
                + " = "
                + configured;
    }
}
