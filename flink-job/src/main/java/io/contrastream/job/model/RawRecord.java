package io.contrastream.job.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One undecoded input record and where it came from: a Kafka value with its partition and offset,
 * or a line of a file with its 1-based number. What the decoder turns into a {@link PairRecord} or
 * a dead letter.
 *
 * @param bytes the record as it arrived (never null; empty for an empty Kafka value)
 * @param partition the Kafka partition, or {@link PairRecord#NO_PARTITION} for a file
 * @param position the Kafka offset, or the file line
 */
@TypeInfo(RawRecordSerializer.TypeInfoFactory.class)
public record RawRecord(byte[] bytes, int partition, long position) {}
