package io.contrastream.job.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.contrastream.job.cli.ContrastreamCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code contrastream run} refuses bad settings before any job starts: exit code 2 and a message
 * naming the setting (and never a secret from --kafka-properties).
 */
class RunCommandArgumentsTest {

    @TempDir Path dir;

    private record Result(int exit, String err, String out) {}

    private static Result run(String... args) {
        StringWriter err = new StringWriter();
        StringWriter out = new StringWriter();
        int exit =
                new CommandLine(new ContrastreamCommand())
                        .setErr(new PrintWriter(err))
                        .setOut(new PrintWriter(out))
                        .execute(args);
        return new Result(exit, err.toString(), out.toString());
    }

    @Test
    void bootstrapServersAreRequired() {
        Result r = run("run");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--bootstrap-servers");
    }

    @Test
    void aBadModelSettingIsNamed() {
        Result r = run("run", "--bootstrap-servers", "127.0.0.1:1", "--margin", "-1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("margin");
    }

    @Test
    void aBadJobFlagIsNamed() {
        Result r = run("run", "--bootstrap-servers", "127.0.0.1:1", "--parallelism", "0");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("parallelism");
    }

    @Test
    void anOutputTopicEqualToTheInputIsRefused() {
        Result r = run("run", "--bootstrap-servers", "127.0.0.1:1", "--scores-topic", "pairs");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("input-topic 'pairs' is also an output topic");
    }

    @Test
    void theModelsTopicIsCheckedLikeTheOtherOutputs() {
        Result same = run("run", "--bootstrap-servers", "127.0.0.1:1", "--models-topic", "metrics");
        assertThat(same.exit()).isEqualTo(2);
        assertThat(same.err()).contains("models-topic and metrics-topic are both 'metrics'");
        Result empty = run("run", "--bootstrap-servers", "127.0.0.1:1", "--models-topic", " ");
        assertThat(empty.exit()).isEqualTo(2);
        assertThat(empty.err()).contains("models-topic must not be empty");
        Result input = run("run", "--bootstrap-servers", "127.0.0.1:1", "--models-topic", "pairs");
        assertThat(input.exit()).isEqualTo(2);
        assertThat(input.err()).contains("input-topic 'pairs' is also an output topic");
    }

    @Test
    void aReservedKeyInThePropertiesFileIsNamedButItsValueNeverShown() throws Exception {
        Path f = dir.resolve("client.properties");
        Files.writeString(f, "sasl.mechanism=PLAIN\ngroup.id=hunter2-secret\n");
        Result r =
                run(
                        "run",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--kafka-properties",
                        f.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("'group.id'").doesNotContain("hunter2");
    }

    @Test
    void helpShowsEveryDefault() {
        Result r = run("run", "--help");
        assertThat(r.exit()).isZero();
        // Lines are wrapped at 80 columns: compare with the whitespace folded.
        assertThat(r.out().replaceAll("\\s+", " "))
                .contains("--input-topic")
                .contains("(default: pairs)")
                .contains("(default: pairs-dlq)")
                .contains("--models-topic")
                .contains("(default: models)")
                .contains("max.message.bytes")
                .contains("--snapshot-every")
                .contains("(default: contrastream)");
    }
}
