/**
 * The job's own types and their explicit serializers: {@link io.contrastream.job.model.PairRecord}
 * (a validated pair between operators) and {@link io.contrastream.job.model.ModelState} (a model's
 * keyed state). Nothing here falls back to Kryo.
 */
package io.contrastream.job.model;
