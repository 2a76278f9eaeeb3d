package io.contrastream.job.cli;

import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.eval.PrequentialWindow;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.learner.PairResult;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The learning kernel alone on real data: the loss-core learner trained pair by pair on the bundled
 * digits data, offline (no Kafka, no Flink), with prequential progress lines and a held-out
 * evaluation. Defaults are the reference configuration of the quality protocol.
 */
@Command(
        name = "digits",
        mixinStandardHelpOptions = true,
        description = {
            "Trains one model pair by pair on the bundled digits data (UCI, 8x8 images) and"
                    + " reports prequential loss and ROC-AUC as it goes, then scores held-out"
                    + " pairs it never learned from.",
            "This runs the learning kernel alone, offline; `demo` runs the streaming engine."
        })
public final class DigitsCommand implements Callable<Integer> {

    @Option(
            names = "--pairs",
            defaultValue = "200000",
            description = "Labelled training pairs (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(
            names = "--test-pairs",
            defaultValue = "10000",
            description =
                    "Unlabelled held-out pairs scored at the end (default: ${DEFAULT-VALUE}).")
    int testPairs;

    @Option(
            names = "--encoder",
            defaultValue = "LINEAR",
            description = "identity, linear or mlp (default: ${DEFAULT-VALUE}).",
            converter = EncoderKindConverter.class)
    EncoderKind encoder;

    @Option(
            names = "--embedding-dim",
            defaultValue = "32",
            description = "Embedding size (default: ${DEFAULT-VALUE}).")
    int embeddingDim;

    @Option(
            names = "--hidden-dim",
            defaultValue = "128",
            description = "Hidden units of the mlp encoder (default: ${DEFAULT-VALUE}).")
    int hiddenDim;

    @Option(
            names = "--optimizer",
            defaultValue = "SGD",
            description = "sgd, momentum, adagrad or adam (default: ${DEFAULT-VALUE}).",
            converter = OptimizerKindConverter.class)
    OptimizerKind optimizer;

    @Option(
            names = "--learning-rate",
            defaultValue = "3e-4",
            description = "Step size; the reference configuration's (default: ${DEFAULT-VALUE}).")
    double learningRate;

    @Option(
            names = "--seed",
            defaultValue = "1",
            description =
                    "Seeds the split, the pairs and the initial parameters (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--report-every",
            defaultValue = "20000",
            description = "Pairs between progress lines (default: ${DEFAULT-VALUE}).")
    int reportEvery;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        if (pairs < 1 || testPairs < 1 || reportEvery < 1) {
            throw new IllegalArgumentException(
                    "--pairs, --test-pairs and --report-every must be >= 1");
        }
        LabelledRows all;
        try (InputStream in = DigitsCommand.class.getResourceAsStream("/data/digits.csv.gz")) {
            if (in == null) {
                throw new IOException("the bundled digits data is missing from the jar");
            }
            all = LabelledRows.readCsv(new java.util.zip.GZIPInputStream(in), 1f / 16f, "digits");
        }
        LabelledRows[] split = all.stratifiedSplit(0.7, seed);
        LearnerConfig config =
                LearnerConfig.reference(seed)
                        .withEncoder(
                                new EncoderConfig(
                                        encoder,
                                        embeddingDim,
                                        hiddenDim,
                                        false,
                                        Initialization.PYTORCH_UNIFORM))
                        .withOptimizer(OptimizerConfig.of(optimizer, learningRate));
        OnlineLearner learner = OnlineLearner.create(config, all.dimension());
        out.printf(
                "Contrastream demo: %s encoder %d -> %d, %s loss (margin %.1f), %s at %g%n",
                encoder.name().toLowerCase(),
                all.dimension(),
                learner.embeddingDim(),
                config.lossForm().name().toLowerCase(),
                config.margin(),
                optimizer.name().toLowerCase(),
                learningRate);
        out.printf(
                "digits: %d train rows, %d held-out rows; %,d labelled pairs, scored before"
                        + " each is learned from (prequential)%n%n",
                split[0].size(), split[1].size(), pairs);
        out.printf(
                "%10s %10s %10s %10s %10s %10s%n",
                "pairs", "pairs/s", "mean loss", "ROC-AUC", "accuracy", "threshold");

        PairSampler train = new PairSampler(split[0], 0.5, seed * 31 + 1);
        PrequentialWindow window = learner.window();
        long start = System.nanoTime();
        long lastReport = start;
        for (int i = 1; i <= pairs; i++) {
            train.next();
            learner.learn(
                    split[0].features(train.left()),
                    split[0].features(train.right()),
                    train.label());
            if (i % reportEvery == 0 || i == pairs) {
                long now = System.nanoTime();
                int since = i % reportEvery == 0 ? reportEvery : i % reportEvery;
                out.printf(
                        "%,10d %,10.0f %10.4f %10.4f %10.4f %10.3f%n",
                        i,
                        since / ((now - lastReport) / 1e9),
                        window.meanLoss(),
                        window.auc(),
                        window.accuracy(),
                        learner.threshold());
                window.reset();
                lastReport = now;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;

        PairSampler test = new PairSampler(split[1], 0.5, seed * 31 + 2);
        window.reset();
        for (int i = 0; i < testPairs; i++) {
            test.next();
            PairResult r =
                    learner.score(split[1].features(test.left()), split[1].features(test.right()));
            window.recordLabelled(
                    r.dissimilarity(),
                    test.label(),
                    r.threshold(),
                    learner.loss().loss(test.label(), r.value()),
                    Double.NaN,
                    false);
        }
        out.printf(
                "%nTrained on %,d pairs in %.1f s (%,.0f pairs/s, one update per pair).%n",
                pairs, seconds, pairs / seconds);
        out.printf(
                "Held-out pairs (%,d, never learned from): ROC-AUC %.4f (histogram, error <= %.4f),"
                        + " accuracy %.4f at threshold %.2f%n",
                testPairs,
                window.auc(),
                window.aucErrorBound(),
                window.accuracy(),
                learner.threshold());
        out.println(
                "Reference (QUALITY.md, PyTorch, same configuration): ROC-AUC 0.9629 +- 0.0005,"
                        + " accuracy 0.8948 +- 0.0010.");
        return 0;
    }

    static final class EncoderKindConverter
            implements picocli.CommandLine.ITypeConverter<EncoderKind> {
        @Override
        public EncoderKind convert(String value) {
            return EncoderKind.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
        }
    }

    static final class OptimizerKindConverter
            implements picocli.CommandLine.ITypeConverter<OptimizerKind> {
        @Override
        public OptimizerKind convert(String value) {
            return OptimizerKind.valueOf(value.strip().toUpperCase(java.util.Locale.ROOT));
        }
    }
}
