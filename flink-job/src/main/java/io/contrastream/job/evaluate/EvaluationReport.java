package io.contrastream.job.evaluate;

import io.contrastream.loss.eval.NearestNeighbour;
import java.util.List;

/**
 * Everything an evaluation measured: each run's {@link RunResult} (configurations in order, each
 * over seeds 1..N), and per seed the 1-NN accuracy of raw features (the baseline, independent of
 * the configuration).
 *
 * @param plan what was measured
 * @param configs the configurations, in order
 * @param runs every run, by configuration then seed
 * @param rawNearestNeighbour per seed (index seed - 1): 1-NN accuracy in the stream's raw features
 * @param probes the probe blocks of the stream (the same points and classes for every seed)
 */
public record EvaluationReport(
        EvaluationPlan plan,
        List<EvaluatedConfig> configs,
        List<RunResult> runs,
        List<NearestNeighbour.Result> rawNearestNeighbour,
        List<ProtocolStream.ProbeBlock> probes) {

    /** Copies the lists. */
    public EvaluationReport {
        configs = List.copyOf(configs);
        runs = List.copyOf(runs);
        rawNearestNeighbour = List.copyOf(rawNearestNeighbour);
        probes = List.copyOf(probes);
    }

    /** The runs of the configuration labelled {@code label}, by seed. */
    public List<RunResult> runsOf(String label) {
        return runs.stream().filter(r -> r.label().equals(label)).toList();
    }

    /** The runs of {@code config}, by seed. */
    public List<RunResult> runsOf(EvaluatedConfig config) {
        return runsOf(config.label());
    }
}
