package io.contrastream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.JobSettings;
import io.contrastream.job.decode.WireFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The replay command's flags: each bad one refused before any job runs, with exit code 2. */
class ReplayCommandTest {

    @TempDir Path dir;

    private Path input;
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void writeInput() throws IOException {
        input = Files.writeString(dir.resolve("in.jsonl"), "{}\n");
    }

    /** Runs {@code contrastream replay args} and returns the exit code; stderr in {@link #err}. */
    private int replay(String... args) {
        CommandLine cli = new CommandLine(new ContrastreamCommand());
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 1];
        all[0] = "replay";
        System.arraycopy(args, 0, all, 1, args.length);
        return cli.execute(all);
    }

    @Test
    void aMissingInputIsRefusedByName() {
        Path missing = dir.resolve("nope.jsonl");
        assertThat(
                        replay(
                                "--input",
                                missing.toString(),
                                "--output-dir",
                                dir.resolve("o").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--input: no such file: " + missing);
        assertThat(dir.resolve("o")).doesNotExist();
    }

    @Test
    void aDirectoryIsNotAnInput() {
        assertThat(replay("--input", dir.toString(), "--output-dir", dir.resolve("o").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--input: not a readable file");
    }

    @Test
    void inputAndOutputDirAreRequired() {
        assertThat(replay("--output-dir", dir.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--input");
        assertThat(replay("--input", input.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--output-dir");
    }

    @Test
    void avroIsRefusedWhenAskedForAndJsonUsedOtherwise() {
        assertThat(replay(args("--format", "avro"))).isEqualTo(2);
        assertThat(err.toString()).contains("--format avro: replay reads and writes JSON lines");

        // The default of --format is avro (for Kafka); replay reads JSON all the same.
        assertThat(settings().format()).isEqualTo(WireFormat.JSON);
        assertThat(settings("--format", "json").format()).isEqualTo(WireFormat.JSON);
    }

    @Test
    void parallelismOtherThanOneIsRefused() {
        assertThat(replay(args("--parallelism", "2"))).isEqualTo(2);
        assertThat(err.toString()).contains("--parallelism 2: replay runs at parallelism 1");
    }

    @Test
    void badModelAndEngineSettingsAreNamed() {
        assertThat(replay(args("--metrics-every", "0"))).isEqualTo(2);
        assertThat(err.toString()).contains("metrics-every must be >= 1");
        assertThat(replay(args("--state-backend", "memory"))).isEqualTo(2);
        assertThat(err.toString()).contains("state-backend must be hashmap or rocksdb");
        assertThat(replay(args("--alert-threshold", "high"))).isEqualTo(2);
        assertThat(err.toString()).contains("alert-threshold");
        assertThat(replay(args("--progress-every", "-1"))).isEqualTo(2);
        assertThat(err.toString()).contains("progress-every must be >= 0");
    }

    @Test
    void nonEmptyOutputsAreKeptUnlessOverwriteIsGiven() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve(ReplayCommand.SCORES_FILE), "{\"old\":1}\n");
        Files.writeString(out.resolve(ReplayCommand.ALERTS_FILE), "");
        assertThat(replay("--input", input.toString(), "--output-dir", out.toString()))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("already holds scores.jsonl; give --overwrite to replace them");
        assertThat(out.resolve(ReplayCommand.SCORES_FILE)).hasContent("{\"old\":1}");

        ReplayCommand command = parse("--output-dir", out.toString(), "--overwrite");
        assertThat(command.prepareOutputs()).hasSize(4);
        assertThat(out.resolve(ReplayCommand.SCORES_FILE)).doesNotExist();
    }

    @Test
    void theOutputDirIsCreatedAndMustNotBeAFile() {
        Path nested = dir.resolve("a/b/c");
        parse("--output-dir", nested.toString()).prepareOutputs();
        assertThat(nested).isDirectory();

        assertThat(replay("--input", input.toString(), "--output-dir", input.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--output-dir: not a directory");
    }

    @Test
    void theInputCannotBeOneOfTheOutputs() throws IOException {
        Path out = Files.createDirectories(dir.resolve("same"));
        Path scores = Files.writeString(out.resolve(ReplayCommand.SCORES_FILE), "{}\n");
        assertThat(
                        replay(
                                "--input",
                                scores.toString(),
                                "--output-dir",
                                out.toString(),
                                "--overwrite"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("is also an output file");
        assertThat(scores).hasContent("{}");
    }

    @Test
    void everyFlagWithADefaultSaysIt() {
        CommandLine cli = new CommandLine(new ReplayCommand());
        for (OptionSpec option : cli.getCommandSpec().options()) {
            if (option.defaultValue() != null) {
                // description() has ${DEFAULT-VALUE} filled in.
                String description = String.join(" ", option.description());
                assertThat(description)
                        .as("description of %s", option.longestName())
                        .endsWith("(default: " + option.defaultValue() + ").");
            }
        }
        assertThat(new CommandLine(new ContrastreamCommand()).getSubcommands())
                .containsKey("replay");
    }

    @Test
    void countsRecordsAsTheSourceReadsThem() throws IOException {
        Path file = Files.writeString(dir.resolve("c.jsonl"), "a\n\n  \nb\r\nc");
        assertThat(ReplayCommand.countRecords(file)).isEqualTo(3);
    }

    private String[] args(String... extra) {
        String[] base = {"--input", input.toString(), "--output-dir", dir.resolve("o").toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    private ReplayCommand parse(String... extra) {
        ReplayCommand command = new ReplayCommand();
        String[] base = {"--input", input.toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        new CommandLine(command).parseArgs(all);
        return command;
    }

    private JobSettings settings(String... extra) {
        String[] all = new String[extra.length + 2];
        all[0] = "--output-dir";
        all[1] = dir.resolve("o").toString();
        System.arraycopy(extra, 0, all, 2, extra.length);
        return parse(all).checkSettings();
    }
}
