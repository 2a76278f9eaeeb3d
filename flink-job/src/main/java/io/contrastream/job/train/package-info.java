/**
 * The keyed online trainer and its settings: one learner per model key. {@link
 * io.contrastream.job.train.OnlineContrastiveTrainer} holds the per-pair logic; {@link
 * io.contrastream.job.train.TrainerOperator} runs it and decides where models live between pairs:
 * straight in the heap backend's state, or in a bounded working copy written to RocksDB before each
 * checkpoint. The operator also counts the models a subtask holds, for the bound on models.
 */
package io.contrastream.job.train;
