/**
 * Kafka at both ends of the job: {@link io.contrastream.job.io.kafka.KafkaInput} reads the pair
 * topic as raw records (decoding happens later, so bad bytes become dead letters, never failures),
 * {@link io.contrastream.job.io.kafka.KafkaOutputs} writes the five outputs (model files included)
 * with transactional, exactly-once sinks, {@link
 * io.contrastream.job.io.kafka.KafkaClientProperties} carries the user's client settings (SASL,
 * SSL) without ever printing their values, and {@link io.contrastream.job.io.kafka.KafkaPipeline}
 * puts the three around the topology the way {@code contrastream run} runs it.
 */
package io.contrastream.job.io.kafka;
