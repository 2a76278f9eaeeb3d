package io.contrastream.job.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link FourDecimals} writes exactly what {@code String.format("%.4f", value)} writes. */
class FourDecimalsTest {

    private final Locale saved = Locale.getDefault(Locale.Category.FORMAT);

    @AfterEach
    void restoreLocale() {
        Locale.setDefault(Locale.Category.FORMAT, saved);
    }

    private static String fast(FourDecimals f, double value) {
        StringBuilder sb = new StringBuilder("x");
        f.append(sb, value);
        return sb.substring(1);
    }

    private static void assertSame(FourDecimals f, double value) {
        assertThat(fast(f, value)).as("%s", value).isEqualTo(String.format("%.4f", value));
    }

    @Test
    void edgeValuesAndTies() {
        FourDecimals f = new FourDecimals();
        double[] values = {
            0.0,
            -0.0,
            1.0,
            0.5,
            0.00005,
            0.00004999999999999999,
            0.00015,
            0.00025,
            0.12345,
            0.12355,
            1.00005,
            9.99995,
            99.99995,
            9999999.99995,
            1e7,
            1e-3,
            9.999e-4,
            1e-5,
            1e-300,
            Double.MIN_VALUE,
            0.3,
            0.1 + 0.2,
            2.0000000000000004,
            123456.78905,
            1.5e-4,
            4.9e-5,
            Double.MAX_VALUE,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            -1.25,
            -0.00001,
            Math.nextDown(1e7),
            Math.nextUp(0.0),
            0.99995,
            0.999949999
        };
        for (double v : values) {
            assertSame(f, v);
        }
        for (int k = 0; k <= 20_000; k++) {
            assertSame(f, k / 20_000.0); // every 0.00005 step, ties included
            assertSame(f, k * 0.00005);
            // A few ulps either side of each tie, and of ties at larger magnitudes.
            for (double tie : new double[] {(k + 0.5) / 10_000, k * 4.99 + 0.00005}) {
                double up = tie;
                double down = tie;
                for (int u = 0; u < 4; u++) {
                    assertSame(f, up = Math.nextUp(up));
                    assertSame(f, down = Math.nextDown(down));
                }
            }
        }
    }

    @Test
    void randomValuesOfEveryMagnitudeAndRandomBits() {
        FourDecimals f = new FourDecimals();
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 50_000; i++) {
            assertSame(f, Math.pow(10, random.nextDouble(-8, 8)));
            assertSame(f, random.nextDouble() * 10);
            assertSame(f, Math.round(random.nextDouble() * 1e8) / 1e8); // short decimals
            assertSame(f, Double.longBitsToDouble(random.nextLong()));
        }
    }

    @Test
    void followsTheDefaultFormatLocale() {
        FourDecimals f = new FourDecimals();
        for (Locale locale :
                new Locale[] {
                    Locale.US,
                    Locale.GERMANY,
                    Locale.FRANCE,
                    Locale.forLanguageTag("ar-EG"),
                    Locale.forLanguageTag("hi-IN-u-nu-deva"),
                    Locale.ROOT
                }) {
            Locale.setDefault(Locale.Category.FORMAT, locale);
            for (double v : new double[] {0.0, 1.23456, 9.99995, 12345.6789, 0.00005, 3e-7}) {
                assertSame(f, v);
            }
        }
    }
}
