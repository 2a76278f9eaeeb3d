package io.contrastream.job.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code contrastream} command line: one subcommand per way of running the engine. */
@Command(
        name = "contrastream",
        mixinStandardHelpOptions = true,
        versionProvider = ContrastreamCommand.Version.class,
        description = "Streaming online contrastive learning.",
        footer = {
            "",
            "Kernels: ./contrastream starts the JVM with --add-modules jdk.incubator.vector,",
            "so the learner runs its vector kernels (results bit for bit those of its plain",
            "loops); the JVM says so once with \"WARNING: Using incubator modules\".",
            "For the plain loops: CONTRASTREAM_JAVA_OPTS=-Dcontrastream.vector=false",
            "(other JVM flags, such as -Xmx, go in CONTRASTREAM_JAVA_OPTS too)."
        },
        subcommands = {
            DemoCommand.class,
            RunCommand.class,
            ReplayCommand.class,
            DigitsCommand.class,
            EmbedCommand.class,
            EvaluateCommand.class,
            DashboardCommand.class,
            CommandLine.HelpCommand.class
        })
public final class ContrastreamCommand implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * Runs the command line. Exits the JVM only on failure, so that {@code flink run} (which calls
     * this main inside its own client) is not cut short on success.
     */
    public static void main(String[] args) {
        int status = new CommandLine(new ContrastreamCommand()).execute(args);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** The version from the jar's manifest, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ContrastreamCommand.class.getPackage().getImplementationVersion();
            return new String[] {"contrastream " + (v == null ? "development" : v)};
        }
    }
}
