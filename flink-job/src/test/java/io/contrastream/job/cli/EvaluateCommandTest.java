package io.contrastream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.loss.learner.LearnerConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code evaluate}'s flags, checked before anything runs (no Flink here). */
class EvaluateCommandTest {

    @TempDir Path dir;

    /** Runs {@code contrastream evaluate args...}; returns {exit code, stderr}. */
    private static Object[] evaluate(String... args) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cl = new CommandLine(new ContrastreamCommand());
        cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        List<String> all = new ArrayList<>(List.of("evaluate"));
        all.addAll(List.of(args));
        int exit = cl.execute(all.toArray(new String[0]));
        return new Object[] {exit, err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void referenceFlagsGiveTheProtocolsReferenceConfiguration() {
        for (long seed : new long[] {1, 4}) {
            ReplayCommand replay =
                    EvaluateCommand.replayCommand(
                            EvaluateCommand.REFERENCE_FLAGS,
                            seed,
                            dir.resolve("in.jsonl"),
                            dir.resolve("out"));
            assertThat(replay.model.trainer().learner()).isEqualTo(LearnerConfig.reference(seed));
        }
    }

    @Test
    void badFlagsFailFastNamingTheFlag() {
        String[][] cases = {
            {"--scenario", "sideways"},
            {"--pairs", "20000", "--probes", "1000,30000"},
            {"--probes", "0"},
            {"--seeds", "0"},
            {"--test-pairs", "1"},
            {"--probe-pairs", "0"},
            {"--seed", "3"},
            {"--plot", "/no/such/dir/curve.png"},
            {"--format", "avro"},
            {"--learning-rate", "0"},
        };
        String[] named = {
            "--scenario 'sideways' is not one of standard, scaled, class-shift",
            "--probes: 30000 is outside 1..20000",
            "--probes: 0 is outside 1..200000",
            "--seeds must be >= 1, got 0",
            "--test-pairs must be >= 2, got 1",
            "--probe-pairs must be >= 2, got 0",
            "--seed: evaluate seeds each run itself",
            "--plot /no/such/dir/curve.png: no such directory",
            "--format avro: replay reads and writes JSON lines only",
            "learning-rate must be finite and > 0",
        };
        for (int i = 0; i < cases.length; i++) {
            List<String> args = new ArrayList<>(List.of(cases[i]));
            args.addAll(List.of("--work-dir", dir.resolve("work-" + i).toString()));
            Object[] r = evaluate(args.toArray(new String[0]));
            assertThat(r[0]).as("exit code of %s", args).isEqualTo(2);
            assertThat((String) r[1]).as("stderr of %s", args).contains(named[i]);
            assertThat(dir.resolve("work-" + i).resolve("seed-1"))
                    .as("nothing ran for %s", args)
                    .doesNotExist();
        }
    }

    @Test
    void modelFlagsArePassedOnAsTyped() {
        EvaluateCommand command = new EvaluateCommand();
        new CommandLine(command)
                .parseArgs(
                        "--pairs",
                        "100",
                        "--optimizer",
                        "sgd",
                        "--normalize",
                        "--learning-rate=1e-3",
                        "--probes",
                        "10,20",
                        "--loss",
                        "cosine",
                        "--margin",
                        "0.5");
        assertThat(command.modelFlags())
                .containsExactly(
                        "--optimizer",
                        "sgd",
                        "--normalize",
                        "--learning-rate",
                        "1e-3",
                        "--loss",
                        "cosine",
                        "--margin",
                        "0.5");
        ReplayCommand replay =
                EvaluateCommand.replayCommand(
                        command.modelFlags(), 2, dir.resolve("in"), dir.resolve("out"));
        LearnerConfig c = replay.model.trainer().learner();
        assertThat(c.encoder().normalize()).isTrue();
        assertThat(c.optimizer().learningRate()).isEqualTo(1e-3);
        assertThat(c.seed()).isEqualTo(2);
    }

    @Test
    void noModelFlagsMeansTheDefaults() {
        EvaluateCommand command = new EvaluateCommand();
        new CommandLine(command).parseArgs("--seeds", "2", "--compare-reference");
        assertThat(command.modelFlags()).isEmpty();
    }
}
