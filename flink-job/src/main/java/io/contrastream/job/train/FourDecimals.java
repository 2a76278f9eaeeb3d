package io.contrastream.job.train;

import java.text.DecimalFormatSymbols;
import java.util.Locale;

/**
 * Writes a double as {@code String.format("%.4f", value)} does, character for character, without a
 * {@link java.util.Formatter}: the alert detail of a CHANGE or DUPLICATE alert is built per alert,
 * and in a busy stream that is per pair. {@code String.format} parsed its pattern with a regular
 * expression and built a fresh {@link DecimalFormatSymbols} on every call, about half of the
 * trainer's time per pair when most pairs alert.
 *
 * <p>What {@code %.4f} does (the {@link java.util.Formatter} contract): take the digits of {@link
 * Double#toString(double)}, round them half up to four decimals, pad with zeros to four, and write
 * the digits with the zero digit and the decimal separator of the default {@link
 * Locale.Category#FORMAT} locale. This class does the same for finite values in {@code [+0, 1e7)};
 * anything else (negative, {@code -0.0}, NaN, infinite, huge) goes to {@code String.format} itself,
 * so the text is the same for every input. {@code FourDecimalsTest} compares both on millions of
 * values.
 *
 * <p>Not thread-safe (one instance per operator): it keeps its digit buffer and the symbols of the
 * last locale it saw.
 */
final class FourDecimals {

    private static final int DECIMALS = 4;

    /** Values below this have at most 7 integer digits: Double.toString writes them plainly. */
    private static final double PLAIN_LIMIT = 1e7;

    /** Below this, value * 1e4 is below 1e9 and known to 6e-8: rounding it needs no digits. */
    private static final double SCALED_LIMIT = 1e5;

    private final char[] digits = new char[32];
    private Locale locale;
    private char zero;
    private char separator;

    /** Appends {@code value} formatted as {@code %.4f} to {@code sb}. */
    void append(StringBuilder sb, double value) {
        Locale current = Locale.getDefault(Locale.Category.FORMAT);
        if (!(value >= 0 && value < PLAIN_LIMIT)
                || Double.doubleToRawLongBits(value) == Double.doubleToRawLongBits(-0.0)) {
            sb.append(String.format(current, "%.4f", value));
            return;
        }
        if (current != locale) {
            DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(current);
            // Formatter writes '.' for Locale.US without asking the symbols, and the symbols'
            // separator otherwise; the zero digit always comes from the symbols.
            separator = current.equals(Locale.US) ? '.' : symbols.getDecimalSeparator();
            zero = current.equals(Locale.US) ? '0' : symbols.getZeroDigit();
            locale = current;
        }
        if (value < SCALED_LIMIT) {
            // Away from a tie, every decimal string that reads back as this double
            // (Double.toString's
            // among them) rounds to the same four decimals as the double itself: they lie within
            // half an ulp of it (under 8e-12 here), and the tie is further away. value * 1e4 is
            // within 6e-8 of the exact product, so a fraction at least 1e-6 from one half decides.
            double scaled = value * 10_000.0;
            double floor = Math.floor(scaled);
            double fraction = scaled - floor;
            if (Math.abs(fraction - 0.5) > 1e-6) {
                long units = (long) floor + (fraction > 0.5 ? 1 : 0);
                appendUnits(sb, units);
                return;
            }
        }
        // Double.toString of a value in [0, 1e7): "ddd.ddd" or "d.dddE-n" (below 1e-3).
        String text = Double.toString(value);
        int n = 0; // significant digits in digits[], no leading zeros except a lone "0"
        int pointAt; // decimal exponent: the value is 0.d1d2d3... x 10^pointAt
        int e = text.indexOf('E');
        if (e < 0) {
            int dot = text.indexOf('.');
            int lead = 0;
            boolean leading = true;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '.') {
                    continue;
                }
                if (leading && c == '0') {
                    lead++;
                    continue;
                }
                leading = false;
                digits[n++] = c;
            }
            // "0.00123" = 0.123 x 10^-2: each leading zero, before or after the point, lowers it.
            pointAt = dot - lead;
        } else {
            int exponent = Integer.parseInt(text, e + 1, text.length(), 10);
            for (int i = 0; i < e; i++) {
                char c = text.charAt(i);
                if (c != '.') {
                    digits[n++] = c;
                }
            }
            // "d.ddd" x 10^exponent = 0.dddd x 10^(exponent + 1); the first digit is not 0.
            pointAt = exponent + 1;
        }
        while (n > 0 && digits[n - 1] == '0') {
            n--; // trailing zeros carry nothing
        }
        // Keep the digits up to DECIMALS places after the point, rounding half up on the next.
        int keep = pointAt + DECIMALS; // how many of digits[] fall within the four decimals
        if (keep < n) {
            boolean up = keep >= 0 && digits[keep] >= '5';
            n = Math.max(keep, 0);
            if (up) {
                int i = n - 1;
                while (i >= 0 && digits[i] == '9') {
                    digits[i] = '0';
                    i--;
                }
                if (i >= 0) {
                    digits[i]++;
                } else {
                    // 9.9999|5 -> 10.0000: one more integer digit.
                    System.arraycopy(digits, 0, digits, 1, n);
                    digits[0] = '1';
                    n++;
                    pointAt++;
                }
            } else if (n == 0) {
                pointAt = 0; // rounds to zero
            }
        }
        if (pointAt <= 0) {
            sb.append(zero);
        } else {
            for (int i = 0; i < pointAt; i++) {
                sb.append(i < n ? (char) (digits[i] - '0' + zero) : zero);
            }
        }
        sb.append(separator);
        for (int place = 0; place < DECIMALS; place++) {
            int i = pointAt + place; // index into digits of this decimal place
            sb.append(i >= 0 && i < n ? (char) (digits[i] - '0' + zero) : zero);
        }
    }

    /**
     * Appends {@code units / 1e4} with four decimals, {@code units >= 0}: the characters are
     * written into {@link #digits} back to front and appended in one call (one call per character
     * was most of this method).
     */
    private void appendUnits(StringBuilder sb, long units) {
        char[] out = digits;
        int at = out.length;
        long whole = units / 10_000;
        int fraction = (int) (units - whole * 10_000);
        for (int place = 0; place < DECIMALS; place++) {
            out[--at] = (char) (fraction % 10 + zero);
            fraction /= 10;
        }
        out[--at] = separator;
        do {
            out[--at] = (char) (whole % 10 + zero);
            whole /= 10;
        } while (whole > 0);
        sb.append(out, at, out.length - at);
    }
}
