/** The keyed online trainer and its settings: one learner per model key. */
package io.contrastream.job.train;
