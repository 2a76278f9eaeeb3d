package io.contrastream.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code --help} of every command explains every flag, with its default where it has one. */
class CommandLineHelpTest {

    @Test
    void everyCommandDescribesEveryFlagAndItsDefault() {
        CommandLine root = new CommandLine(new ContrastreamCommand());
        Map<String, CommandLine> commands = root.getSubcommands();
        assertThat(commands).containsKeys("demo", "run", "replay", "digits", "embed");
        for (Map.Entry<String, CommandLine> command : commands.entrySet()) {
            if (command.getKey().equals("help")) {
                continue;
            }
            for (OptionSpec option : command.getValue().getCommandSpec().options()) {
                String description = String.join(" ", option.description());
                String where = command.getKey() + " " + option.longestName();
                assertThat(description).as(where).isNotBlank().doesNotContain("default: null");
                if (option.defaultValue() != null) {
                    assertThat(description)
                            .as(where)
                            .endsWith("(default: " + option.defaultValue() + ").");
                }
            }
        }
    }

    @Test
    void helpPrintsAndExitsZero() {
        for (String command : new String[] {"demo", "run", "replay", "digits", "embed"}) {
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(new ContrastreamCommand());
            cli.setOut(new PrintWriter(out));
            assertThat(cli.execute(command, "--help")).isZero();
            assertThat(out.toString()).contains("Usage: contrastream " + command);
        }
    }
}
