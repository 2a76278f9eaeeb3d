package io.contrastream.bench;

import io.contrastream.loss.ContrastiveLoss;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.data.LabelledRows;
import io.contrastream.loss.data.PairSampler;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.eval.NearestNeighbour;
import io.contrastream.loss.eval.RocAuc;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.learner.OnlineLearner;
import io.contrastream.loss.optim.LearningRateSchedule;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.scale.Standardization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The sweep behind the CLI defaults: the digits protocol of QUALITY.md run by the learning kernel
 * alone (no Flink), for each configuration given and seeds 1..N (seed s: split s, pairs s * 31 + 1
 * and s * 31 + 2, initial parameters s, as the protocol test and {@code evaluate} do), printing per
 * configuration the mean and spread of held-out pair ROC-AUC, 1-nearest-neighbour accuracy of test
 * rows against train rows in the embedding, and the held-out ROC-AUC after 1,000 and 10,000 pairs.
 *
 * <p>A configuration is a comma-separated list of {@code key=value} over the reference
 * configuration: {@code enc} (linear, mlp), {@code h} (hidden units), {@code d} (embedding size),
 * {@code opt} (sgd, momentum, adagrad, adam), {@code lr}, {@code wd}, {@code clip}, {@code loss}
 * (euclidean, cosine), {@code m} (margin), {@code std} (none, frozen, decaying), {@code win}
 * (standardisation window), {@code floor}, {@code sched} (constant, inverse_sqrt), {@code warm}
 * (schedule warm-up), {@code norm} (true: L2-normalised embeddings), {@code scale} and {@code
 * shift} (applied to every feature: raw-sensor robustness).
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar io.contrastream.bench.QualitySweep
 * data/digits.csv.gz SEEDS PAIRS CONFIG...}.
 */
public final class QualitySweep {

    private QualitySweep() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 4) {
            System.err.println("usage: QualitySweep DIGITS_CSV_GZ SEEDS PAIRS CONFIG...");
            System.exit(2);
        }
        LabelledRows raw = LabelledRows.readCsv(Path.of(args[0]), 1f / 16f);
        int seeds = Integer.parseInt(args[1]);
        int pairs = Integer.parseInt(args[2]);
        for (int c = 3; c < args.length; c++) {
            double[][] figures = new double[seeds][];
            long start = System.nanoTime();
            for (int s = 1; s <= seeds; s++) {
                figures[s - 1] = run(raw, args[c], s, pairs);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf(
                    Locale.ROOT,
                    "%-70s auc %s  1nn %s  auc@1k %s  auc@10k %s  (%.0f s)%n",
                    args[c],
                    meanStd(figures, 0),
                    meanStd(figures, 1),
                    meanStd(figures, 2),
                    meanStd(figures, 3),
                    seconds);
        }
    }

    private static String meanStd(double[][] f, int k) {
        double sum = 0;
        for (double[] r : f) {
            sum += r[k];
        }
        double mean = sum / f.length;
        double sq = 0;
        for (double[] r : f) {
            sq += (r[k] - mean) * (r[k] - mean);
        }
        double std = f.length > 1 ? Math.sqrt(sq / (f.length - 1)) : 0;
        return String.format(Locale.ROOT, "%.4f+-%.4f", mean, std);
    }

    /** Held-out AUC, 1-NN accuracy, AUC after 1k and after 10k pairs. */
    static double[] run(LabelledRows raw, String spec, int seed, int pairs) {
        LearnerConfig config = LearnerConfig.reference(seed);
        EncoderKind enc = EncoderKind.LINEAR;
        int hidden = 128;
        int dim = 32;
        boolean norm = false;
        OptimizerKind opt = OptimizerKind.SGD;
        double lr = 3e-4;
        double wd = 0;
        double clip = 0;
        ContrastiveLoss.Form form = ContrastiveLoss.Form.EUCLIDEAN;
        double margin = 2.0;
        Standardization.Mode std = Standardization.Mode.NONE;
        long win = Standardization.DEFAULT_WINDOW;
        double floor = Standardization.DEFAULT_FLOOR;
        LearningRateSchedule.Decay sched = LearningRateSchedule.Decay.CONSTANT;
        long warm = 0;
        float scale = 1;
        float shift = 0;
        for (String kv : spec.split(",")) {
            String[] p = kv.split("=", 2);
            String v = p[1].toUpperCase(Locale.ROOT);
            switch (p[0]) {
                case "enc" -> enc = EncoderKind.valueOf(v);
                case "h" -> hidden = Integer.parseInt(p[1]);
                case "d" -> dim = Integer.parseInt(p[1]);
                case "norm" -> norm = Boolean.parseBoolean(p[1]);
                case "opt" -> opt = OptimizerKind.valueOf(v);
                case "lr" -> lr = Double.parseDouble(p[1]);
                case "wd" -> wd = Double.parseDouble(p[1]);
                case "clip" -> clip = Double.parseDouble(p[1]);
                case "loss" -> form = ContrastiveLoss.Form.valueOf(v);
                case "m" -> margin = Double.parseDouble(p[1]);
                case "std" -> std = Standardization.Mode.valueOf(v);
                case "win" -> win = Long.parseLong(p[1]);
                case "floor" -> floor = Double.parseDouble(p[1]);
                case "sched" -> sched = LearningRateSchedule.Decay.valueOf(v);
                case "warm" -> warm = Long.parseLong(p[1]);
                case "scale" -> scale = Float.parseFloat(p[1]);
                case "shift" -> shift = Float.parseFloat(p[1]);
                default -> throw new IllegalArgumentException("unknown key " + p[0]);
            }
        }
        config =
                config.toBuilder()
                        .encoder(
                                new EncoderConfig(
                                        enc, dim, hidden, norm, Initialization.PYTORCH_UNIFORM))
                        .optimizer(OptimizerConfig.of(opt, lr).withWeightDecay(wd))
                        .clipNorm(clip)
                        .loss(form, margin)
                        .standardization(new Standardization(std, win, floor))
                        .schedule(new LearningRateSchedule(sched, warm))
                        .build();
        LabelledRows all = raw;
        if (scale != 1 || shift != 0) {
            float[][] f = new float[raw.size()][];
            int[] classes = new int[raw.size()];
            for (int i = 0; i < raw.size(); i++) {
                f[i] = raw.features(i).clone();
                for (int j = 0; j < f[i].length; j++) {
                    f[i][j] = f[i][j] * scale + shift;
                }
                classes[i] = raw.classOf(i);
            }
            all = new LabelledRows(f, classes);
        }
        LabelledRows[] split = all.stratifiedSplit(0.7, seed);
        OnlineLearner learner = OnlineLearner.create(config, all.dimension());
        PairSampler train = new PairSampler(split[0], 0.5, seed * 31L + 1);
        double auc1k = Double.NaN;
        double auc10k = Double.NaN;
        for (int i = 1; i <= pairs; i++) {
            train.next();
            learner.learn(
                    split[0].features(train.left()),
                    split[0].features(train.right()),
                    train.label());
            if (i == 1000) {
                auc1k = heldOut(learner, split[1], seed, 2000);
            } else if (i == 10_000) {
                auc10k = heldOut(learner, split[1], seed, 2000);
            }
        }
        double auc = heldOut(learner, split[1], seed, 10_000);
        return new double[] {auc, nearestNeighbour(learner, split[0], split[1]), auc1k, auc10k};
    }

    private static double heldOut(OnlineLearner learner, LabelledRows test, int seed, int n) {
        PairSampler sampler = new PairSampler(test, 0.5, seed * 31L + 2);
        double[] d = new double[n];
        boolean[] same = new boolean[n];
        for (int i = 0; i < n; i++) {
            sampler.next();
            d[i] =
                    learner.score(test.features(sampler.left()), test.features(sampler.right()))
                            .dissimilarity();
            same[i] = sampler.label() == PairLabel.SAME;
        }
        return RocAuc.ofDissimilarity(d, same);
    }

    /** 1-NN accuracy of the test rows against the train rows, under the model's distance. */
    private static double nearestNeighbour(
            OnlineLearner learner, LabelledRows train, LabelledRows test) {
        return NearestNeighbour.accuracy(
                        embedAll(learner, train),
                        classes(train),
                        embedAll(learner, test),
                        classes(test),
                        learner.loss().distance())
                .accuracy();
    }

    private static int[] classes(LabelledRows rows) {
        int[] c = new int[rows.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = rows.classOf(i);
        }
        return c;
    }

    private static float[][] embedAll(OnlineLearner learner, LabelledRows rows) {
        float[][] out = new float[rows.size()][learner.embeddingDim()];
        for (int i = 0; i < rows.size(); i++) {
            learner.embed(rows.features(i), out[i]);
        }
        return out;
    }
}
