/**
 * Per-model online input standardisation: each feature centred on its running mean and divided by
 * its running standard deviation before the encoder sees it, so that one set of defaults serves
 * features in any unit.
 */
package io.contrastream.loss.scale;
