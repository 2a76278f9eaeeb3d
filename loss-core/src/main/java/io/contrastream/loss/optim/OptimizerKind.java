package io.contrastream.loss.optim;

/** The update rules on offer. All take decoupled weight decay. */
public enum OptimizerKind {
    /** Plain stochastic gradient descent. */
    SGD,
    /** Heavy-ball momentum, or Nesterov's variant. */
    MOMENTUM,
    /** Adagrad (Duchi, Hazan and Singer, 2011). */
    ADAGRAD,
    /** Adam (Kingma and Ba, 2015); with weight decay, AdamW (Loshchilov and Hutter, 2019). */
    ADAM
}
