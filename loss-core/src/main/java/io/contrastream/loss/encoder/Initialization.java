package io.contrastream.loss.encoder;

/**
 * How an encoder's weights and biases start. Every scheme draws from {@link
 * java.util.SplittableRandom} with the model's seed, so initialisation is reproducible.
 */
public enum Initialization {
    /**
     * Weights and biases uniform in {@code +-1/sqrt(fan_in)}: PyTorch's default for {@code
     * nn.Linear}, and the reference configuration's.
     */
    PYTORCH_UNIFORM,
    /**
     * Glorot and Bengio (2010): weights uniform in {@code +-sqrt(6 / (fan_in + fan_out))}, biases
     * 0.
     */
    XAVIER_UNIFORM,
    /**
     * He et al. (2015), for ReLU layers: weights normal with std {@code sqrt(2 / fan_in)}, biases
     * 0.
     */
    HE_NORMAL
}
