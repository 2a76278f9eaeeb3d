/**
 * The Flink job: {@link io.contrastream.job.ContrastreamJob} builds the topology from injected
 * sources; sub-packages hold the edge ({@code decode}), the keyed trainer ({@code train}), the
 * job's types and serializers ({@code model}), sources and sinks ({@code io}) and the command line
 * ({@code cli}).
 */
package io.contrastream.job;
