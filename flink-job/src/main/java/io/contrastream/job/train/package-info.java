/**
 * The keyed online trainer and its settings: one learner per model key. {@link
 * io.contrastream.job.train.OnlineContrastiveTrainer} holds the per-pair logic; {@link
 * io.contrastream.job.train.TrainerOperator} runs it and decides where models live between pairs:
 * straight in the heap backend's state, or in a bounded working copy written to RocksDB before each
 * checkpoint. The operator also counts the models a subtask holds, for the bound on models. {@link
 * io.contrastream.job.train.ModelMetricGroups} registers each model's Flink metrics (a {@code
 * model} label in Prometheus), bounded by the same limit.
 */
package io.contrastream.job.train;
