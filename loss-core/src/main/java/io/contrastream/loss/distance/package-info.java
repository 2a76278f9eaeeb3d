/**
 * Ways to compare two embeddings, each with its gradient: the smoothed Euclidean distance and
 * cosine similarity. A loss composes one; thresholds and metrics see its dissimilarity.
 */
package io.contrastream.loss.distance;
