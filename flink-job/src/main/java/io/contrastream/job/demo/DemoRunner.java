package io.contrastream.job.demo;

import io.contrastream.job.JobEnvironment;
import io.contrastream.job.cli.ModelOptions;
import io.contrastream.job.dashboard.DashboardFeed;
import io.contrastream.job.dashboard.DashboardServer;
import io.contrastream.job.dashboard.DashboardState;
import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.io.SourceInfo;
import io.contrastream.job.io.kafka.KafkaClientProperties;
import io.contrastream.job.io.kafka.KafkaOutputs;
import io.contrastream.job.io.kafka.KafkaPipeline;
import io.contrastream.schema.AlertKind;
import io.contrastream.schema.ChangeAlert;
import io.contrastream.schema.DeadLetter;
import io.contrastream.schema.JsonCodec;
import io.contrastream.schema.LossMetrics;
import io.contrastream.schema.PairEvent;
import io.contrastream.schema.PairScore;
import io.contrastream.schema.WireCodec;
import io.contrastream.schema.WireFormatException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Runs the demo: an embedded broker, the job on a local Flink, the imagery feed at a steady rate,
 * live progress, then a committed read of every output and a summary against the feed's truth.
 */
public final class DemoRunner {

    /** Topic names of the demo: the job's defaults. */
    public static final String PAIRS = "pairs";

    public static final String SCORES = "scores";
    public static final String METRICS = "metrics";
    public static final String ALERTS = "alerts";
    public static final String DEAD_LETTERS = "pairs-dlq";
    public static final String MODELS = "models";

    private static final long REPORT_EVERY_MS = 5_000;

    /** The demo's own settings; the model's come from {@link ModelOptions}. */
    public record Settings(
            int duration,
            int rate,
            int regions,
            int locations,
            int featureDim,
            double changeRate,
            double labelFraction,
            Path outputDir,
            ModelOptions model) {

        /** Validates, naming the flag. */
        public Settings {
            if (duration < 1) {
                throw new IllegalArgumentException("duration must be >= 1 s, got " + duration);
            }
            if (rate < 1) {
                throw new IllegalArgumentException("rate must be >= 1 pair/s, got " + rate);
            }
            if (regions < 1 || regions > 26) {
                throw new IllegalArgumentException("regions must be in 1..26, got " + regions);
            }
            if (locations < 1) {
                throw new IllegalArgumentException("locations must be >= 1, got " + locations);
            }
            if (featureDim < 2 || featureDim % 2 != 0) {
                throw new IllegalArgumentException(
                        "feature-dim must be even and >= 2, got " + featureDim);
            }
            if (!(changeRate > 0 && changeRate < 1)) {
                throw new IllegalArgumentException(
                        "change-rate must be in (0, 1), got " + changeRate);
            }
            if (!(labelFraction > 0 && labelFraction <= 1)) {
                throw new IllegalArgumentException(
                        "label-fraction must be in (0, 1], got " + labelFraction);
            }
            model.trainer(); // names a bad model flag now, not after the broker started
        }
    }

    private static final String[] REGION_NAMES = {
        "north", "south", "east", "west", "coast", "delta", "ridge", "plain", "basin", "lake",
        "forest", "desert", "valley", "harbor", "island", "steppe", "tundra", "marsh", "mesa",
        "canyon", "bay", "fjord", "glacier", "savanna", "taiga", "atoll"
    };

    private final Settings settings;
    private final PrintStream out;

    /** Truth per event id: was it a real change, and the raw feature distance. */
    private final Map<String, double[]> truth = new ConcurrentHashMap<>();

    /** Port of the live dashboard: 0 for any free port, -1 for none. */
    private final int dashboardPort;

    /** A demo without the dashboard page. */
    public DemoRunner(Settings settings, PrintStream out) {
        this(settings, out, -1);
    }

    /**
     * A demo that serves the live dashboard on 127.0.0.1.
     *
     * @param dashboardPort the page's port, 0 for any free port, -1 for no dashboard
     */
    public DemoRunner(Settings settings, PrintStream out, int dashboardPort) {
        if (dashboardPort < -1 || dashboardPort > 65535) {
            throw new IllegalArgumentException(
                    "dashboard-port must be in 0..65535 (or -1: none), got " + dashboardPort);
        }
        this.settings = settings;
        this.out = out;
        this.dashboardPort = dashboardPort;
    }

    /** Runs the demo; returns the process exit code. */
    public int run() throws Exception {
        Path outputDir = Files.createDirectories(settings.outputDir());
        Path work = Files.createTempDirectory("contrastream-demo-");
        long started = System.nanoTime();
        out.println(
                "Contrastream demo: starting a Kafka broker (KRaft, 127.0.0.1) and a local Flink");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"))) {
            kafka.createTopics(2, List.of(PAIRS, SCORES, METRICS, ALERTS, DEAD_LETTERS, MODELS));
            String bootstrap = kafka.bootstrapServers();
            ModelOptions model = settings.model();
            Configuration conf =
                    JobEnvironment.configuration(
                            model.parallelism(),
                            model.checkpointInterval(),
                            model.stateBackend(),
                            work.resolve("checkpoints").toUri().toString());
            StreamExecutionEnvironment env = JobEnvironment.create(conf);
            KafkaPipeline.build(
                    env,
                    model.settings(SourceInfo.kafka(PAIRS)),
                    new KafkaPipeline.Settings(
                            bootstrap,
                            PAIRS,
                            "contrastream-demo",
                            new KafkaOutputs.Topics(SCORES, METRICS, ALERTS, DEAD_LETTERS, MODELS),
                            "contrastream-demo",
                            KafkaClientProperties.none(),
                            false));
            JobClient job = env.executeAsync("contrastream-demo");
            out.printf(
                    "broker %s; job %s; feed: %d regions x %d locations, %d features,"
                            + " %.0f%% real changes, %.0f%% labelled, sensor shift half-way%n%n",
                    bootstrap,
                    job.getJobID(),
                    settings.regions(),
                    settings.locations(),
                    settings.featureDim(),
                    100 * settings.changeRate(),
                    100 * settings.labelFraction());
            Dashboard dashboard = Dashboard.start(dashboardPort, bootstrap, model.format(), out);
            Monitor monitor = new Monitor(bootstrap, model.format());
            Thread monitorThread = new Thread(monitor, "demo-monitor");
            monitorThread.setDaemon(true);
            monitorThread.start();

            long produced = produce(bootstrap, model.format(), monitor);
            out.printf(
                    "%nfeed done: %,d pairs; waiting for the job to score them all ...%n",
                    produced);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (monitor.scored.get() + monitor.dead.get() < produced
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            Path savepoints = work.resolve("savepoints");
            job.stopWithSavepoint(
                            true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(2, TimeUnit.MINUTES);
            monitor.stop();
            monitorThread.join(5_000);

            Summary summary = collect(bootstrap, model, outputDir);
            dashboard.close();
            double seconds = (System.nanoTime() - started) / 1e9;
            summary.print(out, produced, seconds, outputDir);
            return 0;
        } finally {
            deleteRecursively(work);
        }
    }

    /** The live dashboard page over the demo's committed metrics and alerts, when asked for. */
    private record Dashboard(DashboardServer server, DashboardFeed feed) {
        static Dashboard start(int port, String bootstrap, WireFormat format, PrintStream out)
                throws IOException {
            if (port < 0) {
                return new Dashboard(null, null);
            }
            DashboardState state = new DashboardState("demo broker " + bootstrap, 600, 50);
            DashboardServer server = DashboardServer.start(state, port);
            DashboardFeed feed =
                    DashboardFeed.start(
                            bootstrap, new Properties(), METRICS, ALERTS, format, state);
            out.printf("dashboard: %s (live while the demo runs)%n", server.url());
            return new Dashboard(server, feed);
        }

        void close() throws InterruptedException {
            if (feed != null) {
                feed.close();
            }
            if (server != null) {
                server.close();
            }
        }
    }

    /** Produces the feed at the configured rate, printing progress; returns pairs produced. */
    private long produce(String bootstrap, WireFormat format, Monitor monitor) throws Exception {
        String[] regions = new String[settings.regions()];
        System.arraycopy(REGION_NAMES, 0, regions, 0, regions.length);
        long total = (long) settings.duration() * settings.rate();
        ImageryFeed feed =
                new ImageryFeed(
                        regions,
                        settings.locations(),
                        settings.featureDim(),
                        settings.changeRate(),
                        settings.labelFraction(),
                        total / 2,
                        20261128L);
        WireCodec<PairEvent> avro = WireCodec.forType(PairEvent.class);
        JsonCodec<PairEvent> json = JsonCodec.forType(PairEvent.class);
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        out.printf(
                "%7s %10s %9s %9s %9s %9s %8s %7s%n",
                "time", "produced", "pairs/s", "scored", "loss", "ROC-AUC", "alerts", "drift");
        long start = System.nanoTime();
        long nextReport = REPORT_EVERY_MS;
        long lastProduced = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < total; i++) {
                long dueNanos = start + i * 1_000_000_000L / settings.rate();
                long wait = dueNanos - System.nanoTime();
                if (wait > 1_000_000) {
                    Thread.sleep(wait / 1_000_000);
                }
                long eventTime = System.currentTimeMillis();
                PairEvent event = feed.next(eventTime);
                truth.put(
                        event.getEventId().toString(),
                        new double[] {feed.lastChanged() ? 1 : 0, rawDistance(event), i});
                byte[] value = format == WireFormat.AVRO ? avro.encode(event) : json.encode(event);
                producer.send(
                        new ProducerRecord<>(
                                PAIRS, event.getModel().getBytes(StandardCharsets.UTF_8), value));
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                if (elapsedMs >= nextReport) {
                    long now = i + 1;
                    monitor.printProgress(
                            out, elapsedMs, now, (now - lastProduced) * 1000.0 / REPORT_EVERY_MS);
                    lastProduced = now;
                    nextReport += REPORT_EVERY_MS;
                }
            }
            producer.flush();
        }
        return total;
    }

    private static double rawDistance(PairEvent event) {
        List<Float> a = event.getLeft().getFeatures();
        List<Float> b = event.getRight().getFeatures();
        double s = 0;
        for (int k = 0; k < a.size(); k++) {
            double d = a.get(k) - b.get(k);
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /** Follows the outputs live (uncommitted: progress only) for the progress lines. */
    private static final class Monitor implements Runnable {
        final AtomicLong scored = new AtomicLong();
        final AtomicLong dead = new AtomicLong();
        final AtomicLong changeAlerts = new AtomicLong();
        final AtomicLong driftAlerts = new AtomicLong();
        final Map<String, LossMetrics> latest = new ConcurrentHashMap<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final WireFormat format;
        private final WireCodec<LossMetrics> metricsAvro = WireCodec.forType(LossMetrics.class);
        private final JsonCodec<LossMetrics> metricsJson = JsonCodec.forType(LossMetrics.class);
        private final WireCodec<ChangeAlert> alertsAvro = WireCodec.forType(ChangeAlert.class);
        private final JsonCodec<ChangeAlert> alertsJson = JsonCodec.forType(ChangeAlert.class);
        private volatile boolean running = true;

        Monitor(String bootstrap, WireFormat format) {
            this.format = format;
            this.consumer = consumer(bootstrap, "read_uncommitted");
            consumer.subscribe(List.of(SCORES, METRICS, ALERTS, DEAD_LETTERS));
        }

        @Override
        public void run() {
            try {
                while (running) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        switch (r.topic()) {
                            case SCORES:
                                scored.incrementAndGet();
                                break;
                            case DEAD_LETTERS:
                                dead.incrementAndGet();
                                break;
                            case METRICS:
                                LossMetrics m =
                                        format == WireFormat.AVRO
                                                ? metricsAvro.decode(r.value())
                                                : metricsJson.decode(r.value());
                                latest.put(m.getModel().toString(), m);
                                break;
                            default:
                                ChangeAlert a =
                                        format == WireFormat.AVRO
                                                ? alertsAvro.decode(r.value())
                                                : alertsJson.decode(r.value());
                                (a.getKind() == AlertKind.DRIFT ? driftAlerts : changeAlerts)
                                        .incrementAndGet();
                        }
                    }
                }
            } catch (WireFormatException e) {
                throw new IllegalStateException("the job wrote a record the demo cannot read", e);
            } finally {
                consumer.close();
            }
        }

        void stop() {
            running = false;
        }

        void printProgress(PrintStream out, long elapsedMs, long produced, double rate) {
            double loss = 0;
            double auc = 0;
            int n = 0;
            int withAuc = 0;
            for (LossMetrics m : latest.values()) {
                if (m.getMeanLoss() != null) {
                    loss += m.getMeanLoss();
                    n++;
                }
                if (m.getRocAuc() != null) {
                    // P(SAME closer than DIFFERENT) = P(a change further apart than no change)
                    auc += m.getRocAuc();
                    withAuc++;
                }
            }
            out.printf(
                    "%6.0fs %,10d %,9.0f %,9d %9s %9s %,8d %7d%n",
                    elapsedMs / 1000.0,
                    produced,
                    rate,
                    scored.get(),
                    n == 0 ? "-" : String.format("%.4f", loss / n),
                    withAuc == 0 ? "-" : String.format("%.4f", auc / withAuc),
                    changeAlerts.get(),
                    driftAlerts.get());
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "contrastream-demo-" + isolation);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        props.put(
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    /** Reads one topic to its end, committed records only. */
    private static List<byte[]> readCommitted(String bootstrap, String topic) {
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap, "read_committed")) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic)
                    .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private <T extends SpecificRecord> List<T> readAll(
            String bootstrap, String topic, Class<T> type, WireFormat format, Path file)
            throws IOException, WireFormatException {
        WireCodec<T> avro = WireCodec.forType(type);
        JsonCodec<T> json = JsonCodec.forType(type);
        List<T> records = new ArrayList<>();
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (byte[] value : readCommitted(bootstrap, topic)) {
                T record = format == WireFormat.AVRO ? avro.decode(value) : json.decode(value);
                records.add(record);
                w.write(json.encodeToString(record));
                w.newLine();
            }
        }
        return records;
    }

    private Summary collect(String bootstrap, ModelOptions model, Path dir) throws Exception {
        WireFormat f = model.format();
        Summary s = new Summary();
        s.scores = readAll(bootstrap, SCORES, PairScore.class, f, dir.resolve("scores.jsonl"));
        s.metrics = readAll(bootstrap, METRICS, LossMetrics.class, f, dir.resolve("metrics.jsonl"));
        s.alerts = readAll(bootstrap, ALERTS, ChangeAlert.class, f, dir.resolve("alerts.jsonl"));
        s.dead =
                readAll(
                        bootstrap,
                        DEAD_LETTERS,
                        DeadLetter.class,
                        f,
                        dir.resolve("dead-letter.jsonl"));
        s.truth = truth;
        s.warmup = model.warmup();
        return s;
    }

    /** What the demo found, against the feed's ground truth. */
    private static final class Summary {
        List<PairScore> scores;
        List<LossMetrics> metrics;
        List<ChangeAlert> alerts;
        List<DeadLetter> dead;
        Map<String, double[]> truth;
        long warmup;

        void print(PrintStream out, long produced, double seconds, Path dir) {
            long shiftAt = produced / 2;
            Tally before = new Tally("before the shift");
            Tally after = new Tally("after the shift");
            Tally all = new Tally("all");
            for (PairScore s : scores) {
                double[] t = truth.get(s.getEventId().toString());
                if (t == null || s.getModelVersion() < warmup) {
                    continue;
                }
                (t[2] < shiftAt ? before : after).add(s, t);
                all.add(s, t);
            }
            Map<AlertKind, Long> byKind = new HashMap<>();
            for (ChangeAlert a : alerts) {
                byKind.merge(a.getKind(), 1L, Long::sum);
            }
            out.printf("%nDone in %.0f s. Committed outputs (read_committed):%n", seconds);
            out.printf(
                    "  %,d pairs produced, %,d scored, %,d dead letters, %,d loss-metrics records,"
                            + " %,d alerts (%,d change, %,d drift)%n",
                    produced,
                    scores.size(),
                    dead.size(),
                    metrics.size(),
                    alerts.size(),
                    byKind.getOrDefault(AlertKind.CHANGE, 0L),
                    byKind.getOrDefault(AlertKind.DRIFT, 0L));
            out.printf(
                    "Change alerts against the feed's ground truth, pairs scored after each model's"
                            + " warm-up of %d labelled pairs:%n",
                    warmup);
            out.printf(
                    "  %-18s %9s %10s %8s %12s %8s%n",
                    "", "pairs", "precision", "recall", "AUC learned", "AUC raw");
            for (Tally t : List.of(before, after, all)) {
                t.print(out);
            }
            out.printf(
                    "Outputs: %s (scores.jsonl, metrics.jsonl, alerts.jsonl, dead-letter.jsonl)%n",
                    dir.toAbsolutePath());
        }
    }

    /** Alert outcomes and distances of one stretch of the run. */
    private static final class Tally {
        private final String name;
        private long tp;
        private long fp;
        private long fn;
        private final List<double[]> learned = new ArrayList<>();
        private final List<double[]> raw = new ArrayList<>();

        Tally(String name) {
            this.name = name;
        }

        void add(PairScore s, double[] truth) {
            boolean changed = truth[0] == 1;
            if (s.getAlert() && changed) tp++;
            else if (s.getAlert()) fp++;
            else if (changed) fn++;
            learned.add(new double[] {s.getDistance(), truth[0]});
            raw.add(new double[] {truth[1], truth[0]});
        }

        void print(PrintStream out) {
            out.printf(
                    "  %-18s %,9d %10.3f %8.3f %12.4f %8.4f%n",
                    name,
                    learned.size(),
                    tp / (double) Math.max(1, tp + fp),
                    tp / (double) Math.max(1, tp + fn),
                    auc(learned),
                    auc(raw));
        }

        /** P(changed pair further apart than unchanged pair), ties half. */
        private static double auc(List<double[]> points) {
            points.sort(Comparator.comparingDouble(p -> p[0]));
            double wins = 0;
            long pos = 0;
            long neg = 0;
            int i = 0;
            while (i < points.size()) {
                int j = i;
                long tiePos = 0;
                long tieNeg = 0;
                while (j < points.size() && points.get(j)[0] == points.get(i)[0]) {
                    if (points.get(j)[1] == 1) tiePos++;
                    else tieNeg++;
                    j++;
                }
                wins += tiePos * (double) neg + 0.5 * tiePos * tieNeg;
                pos += tiePos;
                neg += tieNeg;
                i = j;
            }
            return pos == 0 || neg == 0 ? Double.NaN : wins / ((double) pos * neg);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
