package io.contrastream.job.evaluate;

import java.util.Locale;

/**
 * What the evaluated stream looks like, on the digits protocol of QUALITY.md.
 *
 * <ul>
 *   <li>{@link #STANDARD}: the protocol as written (pixels / 16, values in [0, 1]).
 *   <li>{@link #SCALED}: every feature {@code x -> x * 1000 + 50} (raw sensor units) in every pair
 *       of the stream; a model that standardises its inputs should not notice.
 *   <li>{@link #CLASS_SHIFT}: the first half of the training pairs from classes 0-4, the second
 *       half from classes 5-9; probes from the held-out rows of the current phase's classes, the
 *       final test pairs from classes 5-9. Shows whether the drift detector fires after the switch
 *       and how the model recovers.
 * </ul>
 */
public enum Scenario {
    STANDARD,
    SCALED,
    CLASS_SHIFT;

    /** Multiplier of every feature in {@link #SCALED}. */
    public static final float SCALE = 1000f;

    /** Added to every feature in {@link #SCALED}, after {@link #SCALE}. */
    public static final float SHIFT = 50f;

    /** The name on the command line: standard, scaled, class-shift. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The scenario named {@code value} (any case, {@code -} or {@code _}).
     *
     * @throws IllegalArgumentException naming the allowed values
     */
    public static Scenario parse(String value) {
        String name = value.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (Scenario s : values()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "--scenario '" + value + "' is not one of standard, scaled, class-shift");
    }
}
