/**
 * The wire formats of Contrastream: Avro records for what goes in and out of the engine, and the
 * codec that puts them on the wire.
 *
 * <p>Input: {@link io.contrastream.schema.PairEvent} (two {@link io.contrastream.schema.Item}s and
 * an optional {@link io.contrastream.schema.PairLabel}). Outputs: {@link
 * io.contrastream.schema.PairScore} per pair, {@link io.contrastream.schema.LossMetrics} per
 * window, {@link io.contrastream.schema.ChangeAlert} per alert ({@link
 * io.contrastream.schema.AlertKind}), and {@link io.contrastream.schema.DeadLetter} per refused
 * input ({@link io.contrastream.schema.DeadLetterReason}). These classes are generated at build
 * time from {@code src/main/avro/*.avsc}; the schemas, with a {@code doc} on every field, are the
 * reference.
 *
 * <p>{@link io.contrastream.schema.WireCodec} writes and reads them in Avro's single-object
 * encoding (marker, writer-schema fingerprint, body), resolving every committed version of a schema
 * ({@link io.contrastream.schema.SchemaHistory}) to the current one; a message it cannot read
 * raises a {@link io.contrastream.schema.WireFormatException} whose reason goes into the dead
 * letter. {@link io.contrastream.schema.JsonCodec} is the second format: one JSON object per record
 * with the Avro field names, for JSON lines; it fails with the same exception and reasons.
 */
package io.contrastream.schema;
