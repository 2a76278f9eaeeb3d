package io.contrastream.loss.encoder;

/**
 * A decorator that L2-normalises another encoder's embedding: {@code y = z / n} with {@code z =
 * inner(x)} and {@code n = sqrt(||z||^2 + eps)}, {@code eps =} {@value #EPS}.
 *
 * <p>Parameters, their layout and initialisation are the inner encoder's; over an {@link
 * IdentityEncoder} this is plain normalisation of the input, with no parameters.
 *
 * <p>Backward: {@code dL/dz = (g - y (y . g)) / n} for {@code g = dL/dy}, the exact derivative of
 * the smoothed form (so it holds for small {@code z} too), then the inner encoder's backward.
 *
 * <p>Edge cases. For {@code z = 0} the output is {@code y = 0} (not NaN) and the gradient is
 * finite: {@code dL/dz = g / sqrt(eps) = 1e6 g}, large, because normalisation is infinitely
 * sensitive to direction near 0. Cosine similarity already treats a zero embedding as having no
 * direction and sends {@code g = 0}; a Euclidean loss does send a gradient. For tiny {@code z}
 * (norm comparable to {@code 1e-6}) the output has norm below 1. NaN in {@code z} gives NaN in
 * {@code y}.
 */
public final class NormalizedEncoder implements Encoder {

    /** The smoothing term under the square root of the norm. */
    public static final double EPS = 1e-12;

    /** Scratch: the inner encoder's activations, and the norm of the last forward pass. */
    static final class NormalizedActivations extends Activations {
        final Activations inner;
        double norm;

        NormalizedActivations(Activations inner, int outputDim) {
            super(outputDim);
            this.inner = inner;
        }
    }

    private final Encoder inner;

    /**
     * @param inner the encoder whose output is normalised, not null
     */
    public NormalizedEncoder(Encoder inner) {
        if (inner == null) {
            throw new IllegalArgumentException("inner encoder must not be null");
        }
        this.inner = inner;
    }

    /** The encoder whose output is normalised. */
    public Encoder inner() {
        return inner;
    }

    @Override
    public int inputDim() {
        return inner.inputDim();
    }

    @Override
    public int outputDim() {
        return inner.outputDim();
    }

    @Override
    public int parameterCount() {
        return inner.parameterCount();
    }

    /** The inner encoder's initialisation. */
    @Override
    public void initialize(float[] params, Initialization init, long seed) {
        inner.initialize(params, init, seed);
    }

    @Override
    public Activations newActivations() {
        return new NormalizedActivations(inner.newActivations(), inner.outputDim());
    }

    @Override
    public void forward(float[] params, float[] x, Activations act) {
        NormalizedActivations a = (NormalizedActivations) act;
        inner.forward(params, x, a.inner);
        float[] z = a.inner.output();
        float[] y = a.output();
        int dim = y.length;
        double sumSq = 0;
        for (int k = 0; k < dim; k++) {
            double v = z[k];
            sumSq += v * v;
        }
        double n = Math.sqrt(sumSq + EPS);
        a.norm = n;
        double inv = 1.0 / n;
        for (int k = 0; k < dim; k++) {
            y[k] = (float) (z[k] * inv);
        }
    }

    /** Overwrites {@code gradOutput} with {@code dL/dz} before passing it to the inner encoder. */
    @Override
    public void backward(
            float[] params, float[] x, Activations act, float[] gradOutput, float[] gradParams) {
        NormalizedActivations a = (NormalizedActivations) act;
        float[] z = a.inner.output();
        int dim = z.length;
        double n = a.norm;
        // (g - y (y . g)) / n, with y = z / n written out in double rather than read back from
        // the float output, so that dz has one rounding rather than two.
        double zg = 0;
        for (int k = 0; k < dim; k++) {
            zg += (double) z[k] * gradOutput[k];
        }
        double c = zg / (n * n);
        double inv = 1.0 / n;
        for (int k = 0; k < dim; k++) {
            gradOutput[k] = (float) ((gradOutput[k] - z[k] * c) * inv);
        }
        inner.backward(params, x, a.inner, gradOutput, gradParams);
    }

    @Override
    public String toString() {
        return "NormalizedEncoder[" + inner + "]";
    }
}
