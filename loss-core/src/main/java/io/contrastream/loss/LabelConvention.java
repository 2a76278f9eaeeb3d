package io.contrastream.loss;

import java.util.Locale;

/**
 * A declared way in which labels are written outside the engine, and the parser for it.
 *
 * <p>There is deliberately no default and no guessing: {@code 0} means DIFFERENT under {@link
 * #ONE_IS_SAME} but SAME under {@link #ZERO_IS_SAME} (the convention of Hadsell, Chopra and LeCun,
 * 2006), and is an error under {@link #PLUS_MINUS_ONE}. A value outside the declared convention is
 * an error naming the value and the convention, never a silent mapping.
 */
public enum LabelConvention {
    /** {@code 1} = SAME, {@code 0} = DIFFERENT (the usual binary-classification reading). */
    ONE_IS_SAME("1 = SAME, 0 = DIFFERENT"),
    /** {@code 0} = SAME, {@code 1} = DIFFERENT (Hadsell et al. 2006: Y = 0 for similar pairs). */
    ZERO_IS_SAME("0 = SAME, 1 = DIFFERENT"),
    /** {@code +1} = SAME, {@code -1} = DIFFERENT (the margin-classifier reading). */
    PLUS_MINUS_ONE("+1 = SAME, -1 = DIFFERENT"),
    /** The words {@code same} / {@code different}, in any letter case. */
    WORDS("\"same\" = SAME, \"different\" = DIFFERENT");

    private final String description;

    LabelConvention(String description) {
        this.description = description;
    }

    /** What the convention accepts, for help texts and error messages. */
    public String description() {
        return description;
    }

    /**
     * Parses a numeric label.
     *
     * @throws IllegalArgumentException for any value the convention does not define (including
     *     every value under {@link #WORDS}), naming the value and the convention
     */
    public PairLabel parse(long value) {
        switch (this) {
            case ONE_IS_SAME:
                if (value == 1) return PairLabel.SAME;
                if (value == 0) return PairLabel.DIFFERENT;
                break;
            case ZERO_IS_SAME:
                if (value == 0) return PairLabel.SAME;
                if (value == 1) return PairLabel.DIFFERENT;
                break;
            case PLUS_MINUS_ONE:
                if (value == 1) return PairLabel.SAME;
                if (value == -1) return PairLabel.DIFFERENT;
                break;
            default:
                break;
        }
        throw invalid(Long.toString(value));
    }

    /**
     * Parses a label written as text: a number for the numeric conventions (a leading {@code +} is
     * allowed), a word for {@link #WORDS}. Surrounding white space is ignored.
     *
     * @throws IllegalArgumentException for null, empty or undefined values, naming the value and
     *     the convention
     */
    public PairLabel parse(String raw) {
        if (raw == null) {
            throw invalid("null");
        }
        String text = raw.strip();
        if (this == WORDS) {
            String word = text.toLowerCase(Locale.ROOT);
            if (word.equals("same")) return PairLabel.SAME;
            if (word.equals("different")) return PairLabel.DIFFERENT;
            throw invalid(raw);
        }
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw invalid(raw);
        }
        return parse(value);
    }

    private IllegalArgumentException invalid(String value) {
        return new IllegalArgumentException(
                "label '"
                        + value
                        + "' is not defined by the declared label convention "
                        + name()
                        + " ("
                        + description
                        + ")");
    }
}
