package io.contrastream.job.evaluate;

import java.util.Locale;

/** Mean and sample standard deviation over seeds, and how the report writes them. */
public final class Stats {

    private Stats() {}

    /** The mean; NaN for no value. */
    public static double mean(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    /** The sample standard deviation (n - 1 in the denominator); NaN for fewer than 2 values. */
    public static double sampleStd(double[] values) {
        if (values.length < 2) {
            return Double.NaN;
        }
        double m = mean(values);
        double ss = 0;
        for (double v : values) {
            ss += (v - m) * (v - m);
        }
        return Math.sqrt(ss / (values.length - 1));
    }

    /** "0.9655 +- 0.0040" with {@code decimals} decimals; the mean alone for one value. */
    public static String meanStd(double[] values, int decimals) {
        String f = "%." + decimals + "f";
        if (values.length < 2) {
            return values.length == 0 ? "-" : String.format(Locale.ROOT, f, values[0]);
        }
        return String.format(Locale.ROOT, f + " +- " + f, mean(values), sampleStd(values));
    }
}
