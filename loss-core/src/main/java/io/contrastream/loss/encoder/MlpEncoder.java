package io.contrastream.loss.encoder;

import io.contrastream.loss.simd.VectorKernels;
import java.util.SplittableRandom;

/**
 * A one-hidden-layer perceptron {@code f(x) = W2 relu(W1 x + b1) + b2}.
 *
 * <p>Parameter layout (length {@code h*in + h + out*h + out}, with {@code h = hiddenDim}): {@code
 * W1} row-major ({@code W1[j][i]} at {@code j * in + i}), {@code b1}, {@code W2} row-major ({@code
 * W2[o][j]} at {@link #w2Offset()} {@code + o * h + j}), {@code b2}. Each block is PyTorch's {@code
 * nn.Linear} layout.
 *
 * <p>ReLU at exactly 0: the derivative is taken as 0 there (the unit counts as inactive), as in
 * PyTorch. A hidden unit whose pre-activation is exactly 0 therefore passes no gradient to {@code
 * W1} or {@code b1}. Dot products accumulate in double.
 *
 * <p>NaN is not checked here and is <em>not</em> propagated by the hidden layer: a NaN
 * pre-activation counts as inactive ({@code NaN > 0} is false), so a NaN input yields the output
 * {@code b2} and no gradient to {@code W1, b1}. Callers must reject non-finite input at their
 * boundary, as they do for every encoder.
 *
 * <p>With {@link VectorKernels} available the dot products and gradient rows run as vector kernels
 * with bit-identical results.
 */
public final class MlpEncoder implements Encoder {

    /** Scratch of one forward pass: the hidden layer before and after ReLU, and its gradient. */
    public static final class MlpActivations extends Activations {
        private final float[] hiddenPre;
        private final float[] hidden;
        private final float[] hiddenGrad;

        /**
         * Scratch rows for backward. C2 (JDK 17) vectorises {@code y[i] += a * x[i]} but not {@code
         * y[offset + i] += a * x[i]} over two {@code float[]} it cannot prove distinct, so a row of
         * the flat gradient (and of {@code W2}) is copied out, updated by same-index loops and
         * copied back: the same float operations in the same order, so bit-identical results.
         */
        private final float[] rowA;

        private final float[] rowB;

        MlpActivations(int inputDim, int hiddenDim, int outputDim) {
            super(outputDim);
            this.hiddenPre = new float[hiddenDim];
            this.hidden = new float[hiddenDim];
            this.hiddenGrad = new float[hiddenDim];
            this.rowA = new float[Math.max(inputDim, hiddenDim)];
            this.rowB = new float[hiddenDim];
        }

        /** {@code W1 x + b1} of the last forward pass. */
        public float[] hiddenPreActivations() {
            return hiddenPre;
        }

        /** {@code relu(W1 x + b1)} of the last forward pass. */
        public float[] hiddenActivations() {
            return hidden;
        }
    }

    private final int inputDim;
    private final int hiddenDim;
    private final int outputDim;
    private final int b1;
    private final int w2;
    private final int b2;
    private final int parameterCount;
    private final VectorKernels vector;

    /**
     * @param inputDim the input length, {@code > 0}
     * @param hiddenDim the number of hidden ReLU units, {@code > 0}
     * @param outputDim the embedding length, {@code > 0}
     */
    public MlpEncoder(int inputDim, int hiddenDim, int outputDim) {
        this(inputDim, hiddenDim, outputDim, VectorKernels.best());
    }

    /** With the given vector kernels, or null for the plain loops. */
    MlpEncoder(int inputDim, int hiddenDim, int outputDim, VectorKernels vector) {
        this.vector = vector;
        if (inputDim <= 0) {
            throw new IllegalArgumentException("inputDim must be > 0, got " + inputDim);
        }
        if (hiddenDim <= 0) {
            throw new IllegalArgumentException("hiddenDim must be > 0, got " + hiddenDim);
        }
        if (outputDim <= 0) {
            throw new IllegalArgumentException("outputDim must be > 0, got " + outputDim);
        }
        long count =
                (long) hiddenDim * inputDim + hiddenDim + (long) outputDim * hiddenDim + outputDim;
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "an MLP encoder "
                            + inputDim
                            + " -> "
                            + hiddenDim
                            + " -> "
                            + outputDim
                            + " has too many parameters");
        }
        this.inputDim = inputDim;
        this.hiddenDim = hiddenDim;
        this.outputDim = outputDim;
        this.b1 = hiddenDim * inputDim;
        this.w2 = b1 + hiddenDim;
        this.b2 = w2 + outputDim * hiddenDim;
        this.parameterCount = (int) count;
    }

    @Override
    public int inputDim() {
        return inputDim;
    }

    /** The number of hidden units. */
    public int hiddenDim() {
        return hiddenDim;
    }

    @Override
    public int outputDim() {
        return outputDim;
    }

    @Override
    public int parameterCount() {
        return parameterCount;
    }

    /** Offset of {@code b1} in the parameter array. */
    public int b1Offset() {
        return b1;
    }

    /** Offset of {@code W2} in the parameter array. */
    public int w2Offset() {
        return w2;
    }

    /** Offset of {@code b2} in the parameter array. */
    public int b2Offset() {
        return b2;
    }

    /**
     * Fills {@code W1, b1} (fan_in = inputDim, fan_out = hiddenDim) then {@code W2, b2} (fan_in =
     * hiddenDim, fan_out = outputDim), in layout order from one seeded generator.
     */
    @Override
    public void initialize(float[] params, Initialization init, long seed) {
        Initializers.checkInitializeArguments(this, params, init);
        SplittableRandom random = new SplittableRandom(seed);
        Initializers.fillLayer(params, 0, b1, inputDim, hiddenDim, init, random);
        Initializers.fillLayer(params, w2, b2, hiddenDim, outputDim, init, random);
    }

    /** Returns an {@link MlpActivations}; forward and backward require one. */
    @Override
    public Activations newActivations() {
        return new MlpActivations(inputDim, hiddenDim, outputDim);
    }

    @Override
    public void forward(float[] params, float[] x, Activations act) {
        MlpActivations a = (MlpActivations) act;
        float[] pre = a.hiddenPre;
        float[] hidden = a.hidden;
        int in = inputDim;
        VectorKernels v = vector;
        if (v != null) {
            v.exactAffine(params, 0, hiddenDim, x, in, params, b1, pre);
            for (int j = 0; j < hiddenDim; j++) {
                float p = pre[j];
                hidden[j] = p > 0f ? p : 0f;
            }
            v.exactAffine(params, w2, outputDim, hidden, hiddenDim, params, b2, a.output());
            return;
        }
        for (int j = 0; j < hiddenDim; j++) {
            double dot =
                    v != null
                            ? v.exactDot(params, j * in, x, in)
                            : LinearEncoder.dot(params, j * in, x, in);
            float p = (float) (params[b1 + j] + dot);
            pre[j] = p;
            hidden[j] = p > 0f ? p : 0f;
        }
        float[] out = a.output();
        int h = hiddenDim;
        for (int o = 0; o < outputDim; o++) {
            double dot =
                    v != null
                            ? v.exactDot(params, w2 + o * h, hidden, h)
                            : LinearEncoder.dot(params, w2 + o * h, hidden, h);
            out[o] = (float) (params[b2 + o] + dot);
        }
    }

    /** Leaves {@code gradOutput} unchanged. */
    @Override
    public void backward(
            float[] params, float[] x, Activations act, float[] gradOutput, float[] gradParams) {
        MlpActivations a = (MlpActivations) act;
        float[] pre = a.hiddenPre;
        float[] hidden = a.hidden;
        float[] dHidden = a.hiddenGrad;
        float[] gradRow = a.rowA;
        float[] weightRow = a.rowB;
        int h = hiddenDim;
        for (int j = 0; j < h; j++) {
            dHidden[j] = 0f;
        }
        // Layer 2: dW2[o][j] += g[o] hidden[j], db2[o] += g[o], dHidden[j] += W2[o][j] g[o].
        for (int o = 0; o < outputDim; o++) {
            float g = gradOutput[o];
            int row = w2 + o * h;
            if (vector != null) {
                vector.axpy(g, hidden, 0, gradParams, row, h);
                vector.axpy(g, params, row, dHidden, 0, h);
                gradParams[b2 + o] += g;
                continue;
            }
            System.arraycopy(gradParams, row, gradRow, 0, h);
            System.arraycopy(params, row, weightRow, 0, h);
            for (int j = 0; j < h; j++) {
                gradRow[j] += g * hidden[j];
                dHidden[j] += weightRow[j] * g;
            }
            System.arraycopy(gradRow, 0, gradParams, row, h);
            gradParams[b2 + o] += g;
        }
        // Layer 1, through ReLU (derivative 0 at pre == 0).
        int in = inputDim;
        for (int j = 0; j < h; j++) {
            if (!(pre[j] > 0f)) {
                continue;
            }
            float d = dHidden[j];
            int row = j * in;
            if (vector != null) {
                vector.axpy(d, x, 0, gradParams, row, in);
                gradParams[b1 + j] += d;
                continue;
            }
            System.arraycopy(gradParams, row, gradRow, 0, in);
            for (int i = 0; i < in; i++) {
                gradRow[i] += d * x[i];
            }
            System.arraycopy(gradRow, 0, gradParams, row, in);
            gradParams[b1 + j] += d;
        }
    }

    @Override
    public String toString() {
        return "MlpEncoder[" + inputDim + " -> " + hiddenDim + " -> " + outputDim + "]";
    }
}
