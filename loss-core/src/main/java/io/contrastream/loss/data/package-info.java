/**
 * Labelled rows held in memory and the seeded sampler that draws SAME and DIFFERENT pairs from
 * them: the pair streams of the learning-quality protocol, for tests, the demo and benchmarks.
 */
package io.contrastream.loss.data;
