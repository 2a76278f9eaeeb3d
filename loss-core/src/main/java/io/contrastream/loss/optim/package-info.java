/**
 * Update rules (SGD, momentum and Nesterov, Adagrad, Adam) over flat {@code float[]} parameters and
 * state, with decoupled weight decay; {@link io.contrastream.loss.optim.OptimizerConfig} checks the
 * settings once and builds the rule.
 */
package io.contrastream.loss.optim;
