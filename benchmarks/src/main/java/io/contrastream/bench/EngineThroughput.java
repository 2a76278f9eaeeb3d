package io.contrastream.bench;

import io.contrastream.job.ContrastreamJob;
import io.contrastream.job.JobEnvironment;
import io.contrastream.job.JobSettings;
import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.model.PairRecord;
import io.contrastream.job.model.PairRecordTypeInfoFactory;
import io.contrastream.job.train.AlertMode;
import io.contrastream.job.train.TrainerSettings;
import io.contrastream.loss.PairLabel;
import io.contrastream.loss.encoder.EncoderConfig;
import io.contrastream.loss.encoder.EncoderKind;
import io.contrastream.loss.encoder.Initialization;
import io.contrastream.loss.learner.LearnerConfig;
import io.contrastream.loss.optim.OptimizerConfig;
import io.contrastream.loss.optim.OptimizerKind;
import io.contrastream.loss.simd.VectorKernels;
import io.contrastream.schema.PairScore;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The throughput harness of the job's training stage: a MiniCluster job at parallelism 1, a
 * generator source of pre-generated {@link PairRecord}s cycling round-robin over N models, keyBy
 * model, the job's own trainer ({@link ContrastreamJob#train}), a sink that counts. Checkpoints are
 * on (exactly once, every {@code --checkpoint-interval} ms, default 2000), so the state backend's
 * snapshot cost is in the figure. One row per configuration, backend and number of models. Managed
 * memory (RocksDB's memtables and block cache) is 256 MiB; RocksDB writes under the temp directory.
 *
 * <p>The rate is taken at the sink over the records after the first fifth (JIT warm-up, task
 * deployment and model creation excluded): {@code (records - warm) / (t_last - t_warm)}; beside it,
 * the CPU time of the trainer's task thread per pair over the same records (thread CPU clock), a
 * figure that other processes on a busy machine disturb far less than the wall rate. All pairs are
 * labelled (every pair is an update), 64 features each. The source and the shuffle between source
 * and trainer (serialisation of each record) are part of the figure, as in the real job; with
 * {@code --chain-trainer true} the trainer runs chained in the source's thread instead, as the job
 * does with {@code --chain-trainer} ({@link ContrastreamJob#train}): no shuffle, and the CPU figure
 * is then the source's, the trainer's and the sink's together.
 *
 * <p>Each run is a fresh JVM with this one's options and class path ({@code --fork false} runs them
 * all in this JVM, where later runs inherit earlier ones' compiled code and leftovers). One run's
 * figures still move by a third on a 2-core machine (the JIT's choices, the other threads of the
 * MiniCluster and of the machine): {@code --repeat N} runs every row N times, in interleaved rounds
 * so that a change in the machine's load falls on all rows alike, prints each run as it ends, and
 * then a summary with each row's median and range and, per configuration, the RocksDB rate's median
 * over the heap backend's.
 *
 * <pre>
 * java [--add-modules jdk.incubator.vector] -cp benchmarks/target/benchmarks.jar \
 *     io.contrastream.bench.EngineThroughput \
 *     [--records 3000000] [--models 10,1000] [--backends hashmap,rocksdb] \
 *     [--configs identity,linear-sgd,linear-adam] [--checkpoint-interval 2000] [--repeat 1] \
 *     [--chain-trainer false] [--fork true]
 * </pre>
 */
public final class EngineThroughput {

    private static final int FEATURES = 64;

    private EngineThroughput() {}

    /** The model configurations the harness knows, by name. */
    static LearnerConfig config(String name) {
        LearnerConfig reference = LearnerConfig.reference(1); // linear 64 -> 32, SGD
        switch (name) {
            case "identity":
                return reference.withEncoder(
                        new EncoderConfig(
                                EncoderKind.IDENTITY, 0, 0, false, Initialization.PYTORCH_UNIFORM));
            case "linear-sgd":
                return reference;
            case "linear-adam":
                return reference.withOptimizer(OptimizerConfig.of(OptimizerKind.ADAM, 3e-4));
            case "mlp-sgd":
                return reference.withEncoder(
                        new EncoderConfig(
                                EncoderKind.MLP, 32, 256, false, Initialization.PYTORCH_UNIFORM));
            default:
                throw new IllegalArgumentException(
                        "unknown configuration '"
                                + name
                                + "': identity, linear-sgd, linear-adam or mlp-sgd");
        }
    }

    public static void main(String[] args) throws Exception {
        long records = 3_000_000;
        String models = "10,1000";
        String backends = "hashmap,rocksdb";
        String configs = "identity,linear-sgd,linear-adam";
        long interval = 2000;
        int repeat = 1;
        boolean fork = true;
        boolean chain = false;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            switch (args[i]) {
                case "--records":
                    records = Long.parseLong(args[i + 1]);
                    break;
                case "--models":
                    models = args[i + 1];
                    break;
                case "--backends":
                    backends = args[i + 1];
                    break;
                case "--configs":
                    configs = args[i + 1];
                    break;
                case "--checkpoint-interval":
                    interval = Long.parseLong(args[i + 1]);
                    break;
                case "--fork":
                    fork = Boolean.parseBoolean(args[i + 1]);
                    break;
                case "--chain-trainer":
                    chain = Boolean.parseBoolean(args[i + 1]);
                    break;
                case "--run-one":
                    // A forked child: one run, one machine-readable line.
                    String[] one = args[i + 1].split(",");
                    Result r =
                            run(
                                    one[0],
                                    one[1],
                                    Integer.parseInt(one[2]),
                                    Long.parseLong(one[3]),
                                    Long.parseLong(one[4]),
                                    false,
                                    Boolean.parseBoolean(one[5]));
                    System.out.printf(
                            Locale.ROOT,
                            "%s %s %s %s %s%n",
                            RESULT,
                            r.pairsPerSecond,
                            r.cpuMicrosPerPair,
                            r.wallSeconds,
                            r.stealPercent);
                    return;
                case "--repeat":
                    repeat = Integer.parseInt(args[i + 1]);
                    if (repeat < 1) {
                        throw new IllegalArgumentException("--repeat must be >= 1, got " + repeat);
                    }
                    break;
                default:
                    throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "trainer throughput, MiniCluster, parallelism 1, %,d labelled pairs per run"
                        + " (rate over the last 80 %%), %d features, checkpoints every %d ms,"
                        + " kernels: %s; %s%n",
                records,
                FEATURES,
                interval,
                VectorKernels.describe(),
                chain
                        ? "trainer chained to the source (--chain-trainer true)"
                        : "trainer behind the keyBy shuffle");
        String header =
                String.format(
                        Locale.ROOT,
                        "%-12s %-8s %8s %12s %14s %10s %8s",
                        "config",
                        "backend",
                        "models",
                        "pairs/s",
                        "CPU us/pair",
                        "wall s",
                        "steal %");
        System.out.println(header);
        Map<String, List<Result>> rows = new LinkedHashMap<>();
        for (int round = 0; round < repeat; round++) {
            for (String config : configs.split(",")) {
                for (String backend : backends.split(",")) {
                    for (String n : models.split(",")) {
                        Result r =
                                fork
                                        ? runForked(config, backend, n, records, interval, chain)
                                        : run(
                                                config,
                                                backend,
                                                Integer.parseInt(n),
                                                records,
                                                interval,
                                                false,
                                                chain);
                        String row =
                                String.format(Locale.ROOT, "%-12s %-8s %8s", config, backend, n);
                        rows.computeIfAbsent(row, k -> new ArrayList<>()).add(r);
                        System.out.printf(
                                Locale.ROOT,
                                "%s %,12.0f %14.2f %10.1f %8.1f%n",
                                row,
                                r.pairsPerSecond,
                                r.cpuMicrosPerPair,
                                r.wallSeconds,
                                r.stealPercent);
                    }
                }
            }
        }
        if (repeat > 1) {
            printSummary(rows, repeat);
        }
    }

    /** Each row's median rate and range, median CPU per pair, and RocksDB over heap. */
    private static void printSummary(Map<String, List<Result>> rows, int repeat) {
        System.out.printf(Locale.ROOT, "%nmedian of %d runs per row%n", repeat);
        System.out.printf(
                Locale.ROOT,
                "%-12s %-8s %8s %12s %21s %14s %12s %8s%n",
                "config",
                "backend",
                "models",
                "pairs/s",
                "range",
                "CPU us/pair",
                "vs hashmap",
                "steal %");
        Map<String, Double> heap = new LinkedHashMap<>();
        for (Map.Entry<String, List<Result>> row : rows.entrySet()) {
            String[] key = row.getKey().trim().split("\\s+");
            if (key[1].equals("hashmap")) {
                heap.put(key[0] + " " + key[2], median(rates(row.getValue())));
            }
        }
        for (Map.Entry<String, List<Result>> row : rows.entrySet()) {
            double[] rates = rates(row.getValue());
            double[] cpu =
                    row.getValue().stream()
                            .mapToDouble(Result::cpuMicrosPerPair)
                            .sorted()
                            .toArray();
            double rate = median(rates);
            String[] key = row.getKey().trim().split("\\s+");
            String pairKey = key[0] + " " + key[2];
            String ratio = "";
            if (!key[1].equals("hashmap") && heap.containsKey(pairKey)) {
                ratio = String.format(Locale.ROOT, "%.0f %%", 100 * rate / heap.get(pairKey));
            }
            double[] steal =
                    row.getValue().stream().mapToDouble(Result::stealPercent).sorted().toArray();
            System.out.printf(
                    Locale.ROOT,
                    "%s %,12.0f %,10.0f-%,-10.0f %14.2f %12s %8.1f%n",
                    row.getKey(),
                    rate,
                    rates[0],
                    rates[rates.length - 1],
                    median(cpu),
                    ratio,
                    median(steal));
        }
    }

    private static double[] rates(List<Result> runs) {
        return runs.stream().mapToDouble(Result::pairsPerSecond).sorted().toArray();
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * One run's figures: pairs per second of wall time; CPU time of the trainer's task thread
     * (input deserialisation, trainer, chained sink) per pair, which other processes on the machine
     * disturb far less than the wall rate; heap used after GC at the last record, if probed (else
     * 0); the hypervisor's steal over the same records ({@link CpuSteal}, NaN off Linux).
     */
    record Result(
            double pairsPerSecond,
            double cpuMicrosPerPair,
            double wallSeconds,
            long heapAtEnd,
            double stealPercent) {}

    private static final String RESULT = "ENGINE-THROUGHPUT-RESULT";

    /**
     * One run in a fresh JVM with this JVM's options and class path, as JMH forks: a run's JIT
     * decisions, threads and leftovers do not carry into the next.
     */
    private static Result runForked(
            String config,
            String backend,
            String models,
            long records,
            long interval,
            boolean chain)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(EngineThroughput.class.getName());
        command.add("--run-one");
        command.add(
                String.join(",", config, backend, models, "" + records, "" + interval, "" + chain));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> output = new ArrayList<>();
        try (var lines =
                new java.io.BufferedReader(
                        new java.io.InputStreamReader(
                                child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                output.add(line);
                if (line.startsWith(RESULT + " ")) {
                    String[] f = line.split(" ");
                    child.waitFor();
                    return new Result(
                            Double.parseDouble(f[1]),
                            Double.parseDouble(f[2]),
                            Double.parseDouble(f[3]),
                            0,
                            Double.parseDouble(f[4]));
                }
            }
        }
        int code = child.waitFor();
        throw new IllegalStateException(
                "forked run "
                        + config
                        + " "
                        + backend
                        + " exited with "
                        + code
                        + " and no result; its last lines:\n"
                        + String.join(
                                "\n",
                                output.subList(Math.max(0, output.size() - 20), output.size())));
    }

    static Result run(String config, String backend, int models, long records, long interval)
            throws Exception {
        return run(config, backend, models, records, interval, false, false);
    }

    /**
     * One job; with {@code probeHeap}, the heap used after GC is taken at the last record; with
     * {@code chain}, the trainer is chained to the source ({@link JobSettings#chainTrainer()}).
     */
    static Result run(
            String config,
            String backend,
            int models,
            long records,
            long interval,
            boolean probeHeap,
            boolean chain)
            throws Exception {
        Path dir = Files.createTempDirectory("contrastream-bench");
        Configuration conf =
                JobEnvironment.configuration(1, interval, backend, dir.toUri().toString());
        conf.setString("state.backend.rocksdb.localdir", dir.resolve("rocksdb").toString());
        // RocksDB's memtables and block cache come out of managed memory; the local default is
        // small enough for RocksDB to warn that it will flush constantly.
        conf.setString("taskmanager.memory.managed.size", "256m");
        conf.setString("rest.bind-address", "127.0.0.1");
        conf.setString("rest.address", "127.0.0.1");
        conf.setString("taskmanager.host", "127.0.0.1");
        conf.setString("jobmanager.rpc.address", "127.0.0.1");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.configure(conf);
        LearnerConfig learner = config(config);
        TrainerSettings trainer =
                new TrainerSettings(
                        learner,
                        AlertMode.CHANGE,
                        TrainerSettings.DEFAULT_WARMUP,
                        1000,
                        models,
                        TrainerSettings.DEFAULT_DEDUPE_WINDOW,
                        0);
        JobSettings settings =
                new JobSettings(
                        trainer,
                        WireFormat.AVRO,
                        JobSettings.DEFAULT_MAX_FEATURES,
                        JobSettings.DEFAULT_MAX_EVENT_TIME_AHEAD,
                        SourceInfo.kafka("bench"),
                        chain);
        DataStream<PairRecord> pairs =
                env.fromSource(
                        new DataGeneratorSource<>(
                                new CyclingPairs(models), records, PairRecordTypeInfoFactory.TYPE),
                        WatermarkStrategy.noWatermarks(),
                        "pre-generated pairs");
        RateSink.reset(records);
        RateSink.probeHeap = probeHeap;
        ContrastreamJob.train(pairs, settings).sinkTo(new RateSink()).name("counting sink");
        long start = System.nanoTime();
        env.execute("trainer throughput " + config + " " + backend + " " + models);
        double wall = (System.nanoTime() - start) / 1e9;
        deleteQuietly(dir);
        double rate = (records - RateSink.warm) / ((RateSink.lastNanos - RateSink.warmNanos) / 1e9);
        double cpu =
                (RateSink.lastCpuNanos - RateSink.warmCpuNanos) / 1e3 / (records - RateSink.warm);
        return new Result(
                rate,
                cpu,
                wall,
                RateSink.heapAtEnd,
                CpuSteal.percent(RateSink.warmSteal, RateSink.lastSteal));
    }

    /**
     * Record {@code i} is for model {@code i mod N}, with the features of pool entry {@code i mod
     * 4093}: the pool does not grow with N, so runs with different N hold the same input in memory.
     *
     * <p>The pool is a learnable task, and every model sees all of it: a pair's label is drawn at
     * random (SAME with probability 1/2), a SAME pair's right item is its left item plus a little
     * noise, a DIFFERENT pair's two items are independent. The pool's size is prime, so for any N
     * the entries a model sees run through the whole pool. (An earlier pool of 4096 entries
     * labelled by parity gave each model of an even N only one label: the models fed only SAME
     * pairs collapsed, {@code W -> 0} until their weights were subnormal floats, whose arithmetic
     * costs a microcode assist per operation; see {@link LearnCpuRate}'s SAME-only row.)
     */
    static final class CyclingPairs implements GeneratorFunction<Long, PairRecord> {
        private static final long serialVersionUID = 1L;
        private static final int POOL = 4093;

        /** The standard deviation of the noise that makes a SAME pair's right item. */
        private static final double SAME_NOISE = 0.3;

        private final int models;
        private transient PairRecord[] pool;
        private transient String[] names;

        CyclingPairs(int models) {
            this.models = models;
        }

        @Override
        public PairRecord map(Long index) {
            if (pool == null) {
                pool = pool();
                names = new String[models];
                for (int m = 0; m < models; m++) {
                    names[m] = "model-" + m;
                }
            }
            long i = index;
            PairRecord p = pool[(int) (i % POOL)];
            // A fresh event id per record (a real input's are unique): the trainer's dedupe
            // window would refuse a repeated one.
            return new PairRecord(
                    "e" + i,
                    names[(int) (i % models)],
                    p.leftId(),
                    p.left(),
                    p.rightId(),
                    p.right(),
                    p.label(),
                    p.eventTime(),
                    0,
                    i);
        }

        static PairRecord[] pool() {
            SplittableRandom random = new SplittableRandom(42);
            PairRecord[] out = new PairRecord[POOL];
            for (int j = 0; j < POOL; j++) {
                float[] a = new float[FEATURES];
                float[] b = new float[FEATURES];
                boolean same = random.nextBoolean();
                for (int k = 0; k < FEATURES; k++) {
                    a[k] = (float) random.nextGaussian();
                    b[k] =
                            (float)
                                    (same
                                            ? a[k] + SAME_NOISE * random.nextGaussian()
                                            : random.nextGaussian());
                }
                out[j] =
                        new PairRecord(
                                "e" + j,
                                "",
                                "l" + j,
                                a,
                                "r" + j,
                                b,
                                same ? PairLabel.SAME : PairLabel.DIFFERENT,
                                1_700_000_000_000L + j,
                                0,
                                j);
            }
            return out;
        }
    }

    /**
     * Counts scores; notes the time of the record that ends the warm-up fifth and of the last one.
     * Static fields: the MiniCluster runs in this JVM and the sink at parallelism 1.
     */
    static final class RateSink implements Sink<PairScore> {
        private static final long serialVersionUID = 1L;
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
        static volatile long total;
        static volatile long warm;
        static volatile long warmNanos;
        static volatile long lastNanos;
        static volatile long warmCpuNanos;
        static volatile long lastCpuNanos;
        static volatile long[] warmSteal;
        static volatile long[] lastSteal;
        static volatile boolean probeHeap;
        static volatile long heapAtEnd;

        static void reset(long records) {
            total = records;
            warm = records / 5;
            warmNanos = 0;
            lastNanos = 0;
            heapAtEnd = 0;
        }

        @Override
        public SinkWriter<PairScore> createWriter(WriterInitContext context) {
            return new SinkWriter<>() {
                private long count;

                @Override
                public void write(PairScore element, Context ctx) {
                    count++;
                    if (count == warm) {
                        warmNanos = System.nanoTime();
                        warmCpuNanos = THREADS.getCurrentThreadCpuTime();
                        warmSteal = CpuSteal.read();
                    }
                    if (count == total) {
                        lastNanos = System.nanoTime();
                        lastCpuNanos = THREADS.getCurrentThreadCpuTime();
                        lastSteal = CpuSteal.read();
                        if (probeHeap) {
                            // In the task thread, the trainer's models all live: what they hold.
                            heapAtEnd = usedHeapAfterGc();
                        }
                    }
                }

                @Override
                public void flush(boolean endOfInput) {}

                @Override
                public void close() {}
            };
        }
    }

    static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static void deleteQuietly(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (Exception e) {
            // A temporary directory left behind is no reason to fail a benchmark.
        }
    }
}
