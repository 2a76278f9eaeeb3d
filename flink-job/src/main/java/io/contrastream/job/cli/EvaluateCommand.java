package io.contrastream.job.cli;

import io.contrastream.job.JobEnvironment;
import io.contrastream.job.JobSettings;
import io.contrastream.job.evaluate.AucCurvePlot;
import io.contrastream.job.evaluate.CurveCsv;
import io.contrastream.job.evaluate.EvaluatedConfig;
import io.contrastream.job.evaluate.Evaluation;
import io.contrastream.job.evaluate.EvaluationPlan;
import io.contrastream.job.evaluate.EvaluationReport;
import io.contrastream.job.evaluate.ReportPrinter;
import io.contrastream.job.evaluate.Scenario;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code contrastream evaluate}: the learning-quality protocol of QUALITY.md (digits, labelled
 * training pairs, unlabelled held-out test pairs) run end to end through the engine, the pipeline
 * of {@code replay}, for each seed and configuration; then the table of what the engine's outputs
 * show: pair ROC-AUC, accuracy at the alert threshold, 1-nearest-neighbour accuracy in the final
 * model's embedding (and in raw features), and the held-out AUC at probe points over the stream.
 *
 * <p>The model flags are {@code replay}'s ({@link ModelOptions}, as a mixin), passed on to each run
 * as typed; {@code --seed} is refused, since seed {@code s = 1..--seeds} seeds each run's split,
 * pairs and parameters. {@code --compare-reference} also runs the protocol's reference
 * configuration, {@link #REFERENCE_FLAGS}.
 *
 * <p>Each run replays a JSON-lines file through {@link ReplayCommand#buildPipeline}, after {@code
 * replay}'s own checks of the flags (so every flag is checked exactly as {@code replay} checks it,
 * before anything runs), in this process (a local Flink, or the context's environment under a
 * test's MiniCluster).
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Runs the learning-quality protocol (QUALITY.md: digits, labelled training pairs, then"
                    + " unlabelled held-out test pairs) end to end through the engine (the replay"
                    + " pipeline, in this process) for each seed, and prints what the engine's"
                    + " outputs show: pair ROC-AUC, accuracy at the alert threshold, 1-NN accuracy"
                    + " in the final model's embedding and in raw features, and the held-out"
                    + " ROC-AUC after each --probes count of training pairs.",
            "The model flags are replay's and apply to the evaluated configuration (--seed"
                    + " excepted: seed s = 1..--seeds seeds the split, the pairs and the initial"
                    + " parameters of run s). Progress goes to stderr, the tables to stdout."
        })
public final class EvaluateCommand implements Callable<Integer> {

    /**
     * The reference configuration of QUALITY.md ({@code LearnerConfig.reference}) as model flags:
     * linear 64 -> 32 (no hidden layer) with PyTorch's initialisation, Euclidean loss with margin
     * 2, plain SGD at 3e-4 with no decay, no clipping and no schedule, raw inputs (no
     * standardisation), threshold at margin / 2, ADWIN. Written out flag by flag, so that it stays
     * the reference when the defaults change: a new model flag whose default changes what the
     * reference trains must be added here with its reference value (L2 normalisation is off by
     * default and has no off flag). {@code
     * EvaluateCommandTest.referenceFlagsGiveTheProtocolsReferenceConfiguration} checks that these
     * flags give {@code LearnerConfig.reference(seed)}.
     */
    public static final List<String> REFERENCE_FLAGS =
            List.of(
                    "--encoder", "linear",
                    "--embedding-dim", "32",
                    "--hidden-dim", "0",
                    "--init", "pytorch_uniform",
                    "--loss", "euclidean",
                    "--margin", "2.0",
                    "--positive-margin", "0.0",
                    "--optimizer", "sgd",
                    "--learning-rate", "3e-4",
                    "--weight-decay", "0.0",
                    "--clip-norm", "0",
                    "--lr-schedule", "constant",
                    "--lr-warmup", "0",
                    "--standardize", "none",
                    "--alert-threshold", "margin-half",
                    "--drift", "adwin");

    /** The label of the reference configuration's rows. */
    public static final String REFERENCE_LABEL = "reference";

    /** Seconds between progress lines while a run goes. */
    static final int PROGRESS_SECONDS = 10;

    @Mixin ModelOptions model;

    @Spec CommandSpec spec;

    @Option(
            names = "--seeds",
            defaultValue = "5",
            description =
                    "Runs per configuration; run s = 1..N seeds the split, the pairs and the"
                            + " initial parameters (default: ${DEFAULT-VALUE}).")
    int seeds;

    @Option(
            names = "--pairs",
            defaultValue = "200000",
            description = "Labelled training pairs per run (default: ${DEFAULT-VALUE}).")
    int pairs;

    @Option(
            names = "--test-pairs",
            defaultValue = "10000",
            description =
                    "Unlabelled held-out pairs after the last training pair, scored for the final"
                            + " figures (default: ${DEFAULT-VALUE}).")
    int testPairs;

    @Option(
            names = "--probes",
            split = ",",
            paramLabel = "N",
            defaultValue = EvaluationPlan.DEFAULT_PROBES,
            description =
                    "Training-pair counts after which a probe block of held-out pairs is scored"
                            + " (the AUC curve); class-shift adds the switch and 1,000 and 10,000"
                            + " pairs after it (default: ${DEFAULT-VALUE}).")
    int[] probes;

    @Option(
            names = "--probe-pairs",
            defaultValue = "2000",
            description =
                    "Unlabelled held-out pairs per probe block; the same pairs at every probe"
                            + " (default: ${DEFAULT-VALUE}).")
    int probePairs;

    @Option(
            names = "--scenario",
            defaultValue = "standard",
            description =
                    "standard; scaled (every feature x * 1000 + 50); class-shift (training pairs"
                            + " from classes 0-4, then 5-9 for the second half; reports the first"
                            + " DRIFT alert after the switch) (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(
            names = "--compare-reference",
            defaultValue = "false",
            description =
                    "Also evaluate the protocol's reference configuration (linear, SGD 3e-4,"
                            + " margin 2, Euclidean, no clipping, threshold margin/2) and print"
                            + " both side by side (default: ${DEFAULT-VALUE}).")
    boolean compareReference;

    @Option(
            names = "--label",
            paramLabel = "NAME",
            description =
                    "Name of the evaluated configuration's rows (default: defaults without model"
                            + " flags, flags with them).")
    String label;

    @Option(
            names = "--plot",
            paramLabel = "FILE.png",
            description = "Draw the AUC-over-the-stream curves into this PNG (900 x 500).")
    Path plot;

    @Option(
            names = "--csv",
            paramLabel = "FILE",
            description =
                    "Write the curve points as CSV (configuration,scenario,seed,pairs,classes,auc).")
    Path csv;

    @Option(
            names = "--work-dir",
            paramLabel = "DIR",
            description =
                    "Where the streams and replay outputs go (default: a new temporary directory,"
                            + " deleted at the end unless --keep).")
    Path workDir;

    @Option(
            names = "--keep",
            defaultValue = "false",
            description =
                    "Keep each run's stream and replay outputs in the work directory"
                            + " (default: ${DEFAULT-VALUE}).")
    boolean keep;

    private EvaluationReport report;

    @Override
    public Integer call() throws Exception {
        System.setProperty("java.awt.headless", "true");
        PrintStream err = System.err;
        EvaluationPlan plan = plan();
        checkOutputFile(plot, "--plot");
        checkOutputFile(csv, "--csv");
        List<String> flags = modelFlags();
        List<EvaluatedConfig> configs = new ArrayList<>();
        String name = label != null ? label : flags.isEmpty() ? "defaults" : "flags";
        if (compareReference && name.equals(REFERENCE_LABEL)) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--label " + name + " is the reference configuration's; choose another");
        }
        boolean createdWorkDir = workDir == null;
        Path dir = createdWorkDir ? Files.createTempDirectory("contrastream-evaluate-") : workDir;
        try {
            Files.createDirectories(dir);
            configs.add(new EvaluatedConfig(name, flags, describe(flags, dir)));
            if (compareReference) {
                configs.add(
                        new EvaluatedConfig(
                                REFERENCE_LABEL, REFERENCE_FLAGS, describe(REFERENCE_FLAGS, dir)));
            }
            err.printf(
                    "evaluate: %d configuration(s) x %d seed(s) through the replay pipeline; work"
                            + " directory %s%s%n",
                    configs.size(), plan.seeds(), dir.toAbsolutePath(), keep ? " (kept)" : "");
            report =
                    new Evaluation(
                                    plan,
                                    configs,
                                    EvaluateCommand::replay,
                                    dir,
                                    keep,
                                    err,
                                    PROGRESS_SECONDS)
                            .run();
        } finally {
            if (createdWorkDir && !keep) {
                Evaluation.deleteTree(dir);
            }
        }
        ReportPrinter.print(report, System.out);
        if (csv != null) {
            CurveCsv.write(report, csv);
            System.out.printf("%ncurve: %s%n", csv.toAbsolutePath());
        }
        if (plot != null) {
            AucCurvePlot.write(report, plot);
            System.out.printf("plot: %s%n", plot.toAbsolutePath());
        }
        return 0;
    }

    /** What the last {@link #call} measured; null before. */
    public EvaluationReport report() {
        return report;
    }

    /** The plan from the flags; a bad one becomes a ParameterException naming it. */
    EvaluationPlan plan() {
        try {
            return new EvaluationPlan(
                    seeds, pairs, testPairs, probes, probePairs, Scenario.parse(scenario));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /**
     * The model flags given on the command line, as typed, in the order picocli matched them: every
     * option of the {@link ModelOptions} mixin, so that a flag added there is passed on too.
     */
    List<String> modelFlags() {
        Set<String> mixin = new HashSet<>();
        for (OptionSpec o : spec.mixins().get("model").options()) {
            mixin.add(o.longestName());
        }
        List<String> flags = new ArrayList<>();
        for (OptionSpec o : spec.commandLine().getParseResult().matchedOptions()) {
            if (!mixin.contains(o.longestName())) {
                continue;
            }
            if (o.longestName().equals("--seed")) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--seed: evaluate seeds each run itself (run s = 1..--seeds seeds the"
                                + " split, the pairs and the initial parameters); leave --seed"
                                + " out");
            }
            if (o.arity().max() == 0) {
                flags.add(o.longestName());
            } else {
                for (String v : o.originalStringValues()) {
                    flags.add(o.longestName());
                    flags.add(v);
                }
            }
        }
        return flags;
    }

    /**
     * Checks {@code flags} as {@code replay} checks them (against a placeholder input in {@code
     * dir}), and describes the model they give.
     */
    private String describe(List<String> flags, Path dir) throws IOException {
        Path placeholder = dir.resolve("flags-check.jsonl");
        Files.writeString(placeholder, "");
        try {
            ReplayCommand command = replayCommand(flags, 1, placeholder, dir.resolve("unused"));
            JobSettings settings = command.checkSettings();
            return settings.trainer().learner().toString().replace("seed=1, ", "");
        } catch (ParameterException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        } finally {
            Files.deleteIfExists(placeholder);
        }
    }

    private void checkOutputFile(Path file, String flag) {
        if (file == null) {
            return;
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new ParameterException(
                    spec.commandLine(), flag + " " + file + ": no such directory: " + parent);
        }
        if (Files.isDirectory(file)) {
            throw new ParameterException(
                    spec.commandLine(), flag + " " + file + " is a directory; give a file");
        }
    }

    /**
     * A {@code replay} command parsed from {@code flags} plus {@code --seed}, {@code --input} and
     * {@code --output-dir} (not run: its flags are only parsed).
     */
    static ReplayCommand replayCommand(List<String> flags, long seed, Path input, Path outputDir) {
        List<String> args = new ArrayList<>(flags);
        args.add("--seed");
        args.add(Long.toString(seed));
        args.add("--input");
        args.add(input.toString());
        args.add("--output-dir");
        args.add(outputDir.toString());
        ReplayCommand command = new ReplayCommand();
        new CommandLine(command).parseArgs(args.toArray(new String[0]));
        return command;
    }

    /**
     * One run: {@code replay}'s checks of the flags, its output directory preparation, then its
     * pipeline ({@link ReplayCommand#buildPipeline}) executed in this process.
     */
    static void replay(EvaluatedConfig config, long seed, Path input, Path outputDir)
            throws Exception {
        ReplayCommand command = replayCommand(config.flags(), seed, input, outputDir);
        JobSettings settings = command.checkSettings();
        command.prepareOutputs();
        StreamExecutionEnvironment env =
                JobEnvironment.create(ReplayCommand.configuration(command.model.stateBackend()));
        ReplayCommand.buildPipeline(env, input, outputDir, settings);
        env.execute("contrastream evaluate " + config.label() + ", seed " + seed);
    }
}
