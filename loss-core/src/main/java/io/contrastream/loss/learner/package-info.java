/**
 * One model learning online: {@link io.contrastream.loss.learner.OnlineLearner} scores each pair
 * before learning from it, {@link io.contrastream.loss.learner.LearnerConfig} defines the model,
 * and {@link io.contrastream.loss.learner.LearnerState} is its versioned binary form, which the
 * engine keeps in Flink state.
 */
package io.contrastream.loss.learner;
