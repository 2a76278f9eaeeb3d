package io.contrastream.loss.encoder;

import java.util.SplittableRandom;

/**
 * Seeded fills of one dense layer's weights and biases, shared by the encoders.
 *
 * <p>Every draw comes from one {@link SplittableRandom} per {@link Encoder#initialize} call, in
 * parameter-layout order (a layer's weights, then its biases, then the next layer), so the same
 * seed gives the same parameters on every JVM. Normal variates use Box-Muller over {@link
 * StrictMath}, whose results are specified bit for bit, rather than {@code Random.nextGaussian} or
 * {@link Math}, whose {@code log} and {@code cos} may differ between platforms.
 */
final class Initializers {

    private Initializers() {}

    /**
     * Fills the weights {@code params[wOffset .. wOffset + fanIn * fanOut)} and biases {@code
     * params[bOffset .. bOffset + fanOut)} of one layer, drawing weights first.
     */
    static void fillLayer(
            float[] params,
            int wOffset,
            int bOffset,
            int fanIn,
            int fanOut,
            Initialization init,
            SplittableRandom random) {
        int weights = fanIn * fanOut;
        switch (init) {
            case PYTORCH_UNIFORM:
                {
                    double bound = 1.0 / Math.sqrt(fanIn);
                    fillUniform(params, wOffset, weights, bound, random);
                    fillUniform(params, bOffset, fanOut, bound, random);
                    break;
                }
            case XAVIER_UNIFORM:
                {
                    double bound = Math.sqrt(6.0 / (fanIn + fanOut));
                    fillUniform(params, wOffset, weights, bound, random);
                    fill(params, bOffset, fanOut, 0f);
                    break;
                }
            case HE_NORMAL:
                {
                    double std = Math.sqrt(2.0 / fanIn);
                    for (int k = 0; k < weights; k++) {
                        params[wOffset + k] = (float) (std * standardNormal(random));
                    }
                    fill(params, bOffset, fanOut, 0f);
                    break;
                }
            default:
                throw new IllegalArgumentException("unknown initialization " + init);
        }
    }

    /** Checks the arguments of {@link Encoder#initialize} once, naming both sizes. */
    static void checkInitializeArguments(Encoder encoder, float[] params, Initialization init) {
        if (init == null) {
            throw new IllegalArgumentException("initialization must not be null");
        }
        if (params == null || params.length != encoder.parameterCount()) {
            throw new IllegalArgumentException(
                    "params have "
                            + (params == null ? "no array" : params.length + " values")
                            + ", "
                            + encoder
                            + " expects "
                            + encoder.parameterCount());
        }
    }

    /** Uniform in {@code [-bound, bound]} (the float rounding may reach the closed end). */
    private static void fillUniform(
            float[] params, int offset, int count, double bound, SplittableRandom random) {
        for (int k = 0; k < count; k++) {
            params[offset + k] = (float) (bound * (2.0 * random.nextDouble() - 1.0));
        }
    }

    private static void fill(float[] params, int offset, int count, float value) {
        for (int k = 0; k < count; k++) {
            params[offset + k] = value;
        }
    }

    /**
     * One standard normal variate by Box-Muller (the cosine branch; the sine partner is dropped so
     * that each draw consumes exactly two uniforms and no state is kept between draws).
     */
    static double standardNormal(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // in (0, 1]: log(u1) is finite
        double u2 = random.nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * Math.PI * u2);
    }
}
