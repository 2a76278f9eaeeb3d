package io.contrastream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Compares builds of loss-core on the same workload in one JVM: each build (a jar holding
 * loss-core's classes: {@code loss-core/target/loss-core-*.jar} or a {@code benchmarks.jar}) gets
 * its own class loader and its own {@link LearnWorkload} (this build's, defined in that loader over
 * that jar), and the builds take turns, a quarter of a CPU-second each, in alternating order. Each
 * round's rates are divided by the first build's in the same round, so a phase of the machine that
 * slows every build alike (this 2-vCPU VM has slow and fast phases minutes long, which split fresh
 * JVMs of one jar into two groups 1.6x apart) cancels in the ratio.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     io.contrastream.bench.InterleavedRate linear:64:0:32 40 before.jar after.jar
 * </pre>
 *
 * <p>Prints, per build, the median and the largest rate over the rounds (pairs per CPU-second of
 * SGD, {@link LearnWorkload}) and the median of the per-round ratios to the first build, with their
 * quartiles. Two copies of one jar measure the harness's own bias (the order of first compilation):
 * a few per cent.
 */
public final class InterleavedRate {

    private InterleavedRate() {}

    static final String USAGE =
            "usage: InterleavedRate encoder:input:hidden:embedding rounds build.jar"
                    + " [build.jar ...]\n"
                    + "  alternates builds of loss-core in one JVM (SGD, LearnWorkload), a quarter"
                    + " CPU-second each per round,\n"
                    + "  and prints each build's median rate and its per-round ratio to the first"
                    + " build; rounds >= 4";

    /** CPU time of one build's turn in a round, and of each of the six warm-up turns. */
    private static final long TURN = 250_000_000L;

    private static final long WARM_UP = 500_000_000L;

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args[0].equals("--help") || args[0].equals("-h")) {
            System.out.println(USAGE);
            if (args.length > 0 && !args[0].startsWith("-")) {
                System.exit(2);
            }
            return;
        }
        String model = args[0];
        int rounds;
        try {
            rounds = Integer.parseInt(args[1]);
        } catch (NumberFormatException e) {
            rounds = -1;
        }
        if (rounds < 4) {
            System.err.println("rounds must be an integer >= 4, got " + args[1] + "\n" + USAGE);
            System.exit(2);
        }
        List<String> jars = Arrays.asList(args).subList(2, args.length);
        byte[] workloadClass = classBytes(LearnWorkload.class);
        int builds = jars.size();
        Object[] workloads = new Object[builds];
        Method[] rate = new Method[builds];
        for (int b = 0; b < builds; b++) {
            Path jar = Path.of(jars.get(b));
            if (!Files.isRegularFile(jar)) {
                System.err.println("no such jar: " + jar + "\n" + USAGE);
                System.exit(2);
            }
            Class<?> type = new BuildLoader(jar.toUri().toURL(), workloadClass).workloadType();
            Constructor<?> create = type.getConstructor(String.class, String.class);
            try {
                workloads[b] = create.newInstance(model, "SGD");
            } catch (InvocationTargetException e) {
                System.err.println(e.getCause().getMessage() + "\n" + USAGE);
                System.exit(2);
            }
            rate[b] = type.getMethod("rate", long.class);
        }
        System.out.printf(
                "%s: %s, %d rounds of %d builds, %s%n",
                Instant.now(), model, rounds, builds, System.getProperty("java.vm.version"));
        for (int turn = 0; turn < 6; turn++) {
            for (int b = 0; b < builds; b++) {
                rate[b].invoke(workloads[b], WARM_UP);
            }
        }
        double[][] rates = new double[builds][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < builds; k++) {
                int b = round % 2 == 0 ? k : builds - 1 - k;
                rates[b][round] = (double) rate[b].invoke(workloads[b], TURN);
            }
            if ((round + 1) % 10 == 0) {
                System.err.printf("  %d of %d rounds%n", round + 1, rounds);
            }
        }
        for (int b = 0; b < builds; b++) {
            double[] ratio = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratio[round] = rates[b][round] / rates[0][round];
            }
            double[] sorted = rates[b].clone();
            Arrays.sort(sorted);
            Arrays.sort(ratio);
            System.out.printf(
                    "%-40s median %,11.0f  max %,11.0f pairs/CPU-s  ratio to the first: %.3f"
                            + " (quartiles %.3f-%.3f)%n",
                    jars.get(b),
                    median(sorted),
                    sorted[rounds - 1],
                    median(ratio),
                    ratio[rounds / 4],
                    ratio[(3 * rounds) / 4]);
        }
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static byte[] classBytes(Class<?> type) throws IOException {
        String resource = type.getSimpleName() + ".class";
        try (InputStream in = type.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("cannot read " + resource);
            }
            return in.readAllBytes();
        }
    }

    /**
     * One build's classes: loss-core's from the jar (the platform loader above it, so nothing comes
     * from this JVM's class path), and {@link LearnWorkload} defined from the harness's own bytes,
     * so that every build runs the same workload code against its own loss-core.
     */
    private static final class BuildLoader extends URLClassLoader {

        private final byte[] workloadClass;

        BuildLoader(URL jar, byte[] workloadClass) {
            super(new URL[] {jar}, ClassLoader.getPlatformClassLoader());
            this.workloadClass = workloadClass;
        }

        Class<?> workloadType() throws ClassNotFoundException {
            return loadClass(LearnWorkload.class.getName());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.equals(LearnWorkload.class.getName())) {
                return defineClass(name, workloadClass, 0, workloadClass.length);
            }
            return super.findClass(name);
        }
    }
}
