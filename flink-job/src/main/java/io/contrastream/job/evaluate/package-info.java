/**
 * {@code contrastream evaluate}: the learning-quality protocol of QUALITY.md run end to end through
 * the engine, and measured from what the engine wrote.
 *
 * <p>The flow, one class per step: {@link io.contrastream.job.evaluate.EvaluationPlan} (sizes,
 * probe points, {@link io.contrastream.job.evaluate.Scenario}) -> {@link
 * io.contrastream.job.evaluate.ProtocolStream} (one seed's stream as a replay input: training
 * pairs, probe blocks of unlabelled held-out pairs, the unlabelled test pairs) -> {@link
 * io.contrastream.job.evaluate.Engine} (the replay pipeline, supplied by the command line) ->
 * {@link io.contrastream.job.evaluate.RunMeasurement} (scores, alerts and the final model file in,
 * a {@link io.contrastream.job.evaluate.RunResult} out, with loss-core's exact {@code RocAuc} and
 * {@code NearestNeighbour}) -> {@link io.contrastream.job.evaluate.Evaluation} (seeds x
 * configurations, progress) -> {@link io.contrastream.job.evaluate.ReportPrinter}, {@link
 * io.contrastream.job.evaluate.AucCurvePlot} (PNG, JFreeChart) and {@link
 * io.contrastream.job.evaluate.CurveCsv}.
 */
package io.contrastream.job.evaluate;
