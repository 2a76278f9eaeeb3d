package io.contrastream.job.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.contrastream.job.CapturingMetricReporter;
import io.contrastream.job.KafkaTestSupport;
import io.contrastream.job.PrometheusNamesReporter;
import io.contrastream.job.cli.ContrastreamCommand;
import io.contrastream.job.decode.WireFormat;
import io.contrastream.job.demo.EmbeddedKafka;
import io.contrastream.job.demo.ImageryFeed;
import io.contrastream.schema.PairEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * The dashboard on the job's real outputs, in a real browser; and the Grafana dashboard against the
 * metric names the job really exports, per subtask and per model (its {@code model} variable and
 * the per-model panels query series that exist only once the run has registered them).
 *
 * <p>Once for the class: an imagery feed (three regions, a sensor shift half-way) goes to a broker
 * in this JVM; {@code contrastream run} processes it on a MiniCluster at parallelism 2 with exactly
 * once sinks; a {@link DashboardFeed} follows the committed {@code metrics} and {@code alerts}
 * topics, as {@code contrastream dashboard} does, and a {@link DashboardServer} serves them.
 *
 * <p>The browser: Debian's chromium, headless, on 127.0.0.1 only (no remote debugging port; every
 * host name but 127.0.0.1 resolves to nothing; no background networking). If chromium is missing
 * the test installs it with apt; it is skipped, saying so, only when that fails. The page marks
 * each chart container with {@code data-points="N"} after uPlot drew N values; the test reads the
 * DOM after a few polls and keeps a screenshot, {@code target/dashboard.png}.
 */
class DashboardITCase {

    private static final int PARALLELISM = 2;
    private static final String[] REGIONS = {"north", "south", "east"};
    private static final int EVENTS = 12_000;
    private static final int EVENTS_PER_SECOND = 1_000; // of event time
    private static final long T0 = 1_764_000_000_000L;
    private static final Path TARGET = Path.of("target");
    private static final Path ROOT = Path.of(System.getProperty("contrastream.root", ".."));

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(configuration())
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(PARALLELISM)
                            .build());

    private static EmbeddedKafka kafka;
    private static DashboardState state;
    private static DashboardServer server;
    private static DashboardFeed feed;

    private static Configuration configuration() {
        Configuration conf =
                CapturingMetricReporter.register(KafkaTestSupport.loopbackConfiguration());
        conf.set(
                ConfigOptions.key("metrics.reporter.promnames.factory.class")
                        .stringType()
                        .noDefaultValue(),
                PrometheusNamesReporter.Factory.class.getName());
        return conf;
    }

    private static boolean ran;

    /**
     * Runs once, from the first test: MiniClusterExtension makes its cluster the execution
     * environment inside test methods only (in {@code @BeforeAll} the job would run on a local
     * cluster of its own, without this class's metric reporters).
     */
    private static synchronized void runTheJobWithTheDashboard() throws Exception {
        if (ran) {
            return;
        }
        ran = true;
        kafka = EmbeddedKafka.start(Files.createTempDirectory("contrastream-dashboard-kafka"));
        String bootstrap = kafka.bootstrapServers();
        kafka.createTopics(
                2, List.of("pairs", "scores", "metrics", "alerts", "pairs-dlq", "models"));
        state = new DashboardState("it " + bootstrap, 600, 50);
        server = DashboardServer.start(state, 0);
        feed =
                DashboardFeed.start(
                        bootstrap, new Properties(), "metrics", "alerts", WireFormat.AVRO, state);

        ImageryFeed imagery = new ImageryFeed(REGIONS, 100, 16, 0.1, 0.5, EVENTS / 2, 11L);
        List<PairEvent> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            events.add(imagery.next(T0 + i * 1000L / EVENTS_PER_SECOND));
        }
        KafkaTestSupport.produceByModel(bootstrap, "pairs", events, List.of(REGIONS), 2);
        int exit =
                new CommandLine(new ContrastreamCommand())
                        .execute(
                                "run",
                                "--bootstrap-servers",
                                bootstrap,
                                "--job-name",
                                "it-dashboard",
                                "--parallelism",
                                String.valueOf(PARALLELISM),
                                "--checkpoint-interval",
                                "500",
                                "--stop-at-latest",
                                "--metrics-every",
                                "100",
                                "--alert-threshold",
                                "auto",
                                // As the demo does on this feed (DemoCommand): linear by
                                // construction.
                                "--encoder",
                                "linear");
        assertThat(exit).isZero();
        // Every window is committed once the bounded job has finished: wait for the feed.
        long expectedWindows = EVENTS / 100;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (state.metricsRecords() < expectedWindows && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(state.metricsRecords()).isGreaterThanOrEqualTo(expectedWindows);
    }

    @AfterAll
    static void stop() throws Exception {
        if (feed != null) feed.close();
        if (server != null) server.close();
        if (kafka != null) kafka.close();
    }

    @Test
    void theStateHoldsEveryModelsCommittedWindows() throws Exception {
        runTheJobWithTheDashboard();
        JsonNode root = new ObjectMapper().readTree(state.toJson());
        for (String region : REGIONS) {
            JsonNode m = root.get("models").get(region);
            assertThat(m).as(region).isNotNull();
            // about EVENTS / regions / 100 windows each, plus a last partial one
            assertThat(m.get("series").get("t").size()).isBetween(35, 45);
            assertThat(m.get("latest").get("rocAuc").asDouble()).isBetween(0.5, 1.0);
            // The feed's rate of event time, a third per region: the median window's. (The last
            // window of a bounded input is short, and its rate noisy.)
            List<Double> rates = new ArrayList<>();
            m.get("series").get("eventsPerSecond").forEach(v -> rates.add(v.asDouble()));
            rates.sort(null);
            assertThat(rates.get(rates.size() / 2))
                    .isBetween(EVENTS_PER_SECOND / 3.0 * 0.8, EVENTS_PER_SECOND / 3.0 * 1.25);
        }
        assertThat(root.get("alerts").size()).isPositive();
        assertThat(root.get("records").get("unreadable").asLong()).isZero();
    }

    @Test
    void chromiumDrawsEveryChartAndTheTables() throws Exception {
        runTheJobWithTheDashboard();
        String chromium = chromium();
        Path profile = Files.createTempDirectory(TARGET.toAbsolutePath(), "chromium-profile-");
        String dom =
                runChromium(
                        chromium,
                        profile,
                        "--virtual-time-budget=4000",
                        "--dump-dom",
                        server.url());
        Map<String, Integer> points = new HashMap<>();
        Matcher div = Pattern.compile("<div[^>]*class=\"chart[^\"]*\"[^>]*>").matcher(dom);
        while (div.find()) {
            String tag = div.group();
            Matcher id = Pattern.compile("id=\"([^\"]+)\"").matcher(tag);
            Matcher n = Pattern.compile("data-points=\"(\\d+)\"").matcher(tag);
            assertThat(id.find() && n.find()).as(tag).isTrue();
            points.put(id.group(1), Integer.parseInt(n.group(1)));
        }
        assertThat(points)
                .as("data-points of each chart after the page's polls")
                .containsOnlyKeys(
                        "chart-loss",
                        "chart-auc",
                        "chart-distance",
                        "chart-threshold",
                        "chart-events",
                        "chart-alerts");
        assertThat(points.values()).allSatisfy(n -> assertThat(n).isPositive());
        // one threshold value per window held, every model
        int windows = 0;
        for (String region : REGIONS) windows += state.points(region);
        assertThat(points.get("chart-threshold")).isEqualTo(windows);
        assertThat(dom).contains("uplot"); // uPlot's own markup, drawn from the WebJar
        for (String region : REGIONS) {
            assertThat(dom).contains("<td>" + region + "</td>");
        }
        assertThat(count(dom, "<tr class=\"kind-")).isPositive(); // the latest-alerts table

        Path png = TARGET.resolve("dashboard.png").toAbsolutePath();
        Files.deleteIfExists(png);
        runChromium(
                chromium,
                profile,
                "--virtual-time-budget=4000",
                "--hide-scrollbars",
                "--screenshot=" + png,
                server.url());
        assertThat(png).exists();
        assertThat(Files.size(png)).isGreaterThan(20_000);
    }

    @Test
    void everyGrafanaPanelQueriesAMetricTheJobExports() throws Exception {
        runTheJobWithTheDashboard();
        Map<String, Set<String>> exported = PrometheusNamesReporter.samples();
        JsonNode dashboard =
                new ObjectMapper()
                        .readTree(
                                ROOT.resolve("deploy/grafana/dashboards/contrastream.json")
                                        .toFile());
        Pattern metricName = Pattern.compile("\\b(flink_[A-Za-z0-9_:]+)");
        Pattern selectorLabel = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)\\s*(?:=~|!~|!=|=)");
        Pattern selector = Pattern.compile("\\{([^}]*)\\}");
        Pattern by = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");
        Pattern legend = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*}}");
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.has("targets")) continue;
            for (JsonNode target : panel.get("targets")) {
                String expr = target.get("expr").asText();
                List<String> names = new ArrayList<>();
                Matcher m = metricName.matcher(expr);
                while (m.find()) names.add(m.group(1));
                assertThat(names).as(expr).isNotEmpty();
                Set<String> labels = new TreeSet<>();
                for (String name : names) {
                    assertThat(exported)
                            .as(
                                    "panel '%s' queries %s; the reporter was given %s"
                                            + " metrics, %s of the job; the capturing reporter"
                                            + " %s of the job",
                                    panel.get("title").asText(),
                                    name,
                                    PrometheusNamesReporter.added().size(),
                                    PrometheusNamesReporter.added().stream()
                                            .filter(i -> i.contains("it-dashboard"))
                                            .limit(5)
                                            .toList(),
                                    CapturingMetricReporter.find("it-dashboard").size())
                            .containsKey(name);
                    labels.addAll(exported.get(name));
                    queried.add(name);
                }
                List<String> used = new ArrayList<>();
                Matcher s = selector.matcher(expr.replaceAll("\\{\\{[^}]*}}", ""));
                while (s.find()) {
                    Matcher l = selectorLabel.matcher(s.group(1));
                    while (l.find()) used.add(l.group(1));
                }
                Matcher b = by.matcher(expr);
                while (b.find()) {
                    for (String l : b.group(1).split(",")) used.add(l.strip());
                }
                Matcher lf = legend.matcher(target.path("legendFormat").asText());
                while (lf.find()) used.add(lf.group(1));
                assertThat(labels).as("labels of %s", expr).containsAll(used);
            }
        }
        // The model variable: label_values(<metric>, <label>) of a metric the job exports, with
        // that label.
        Pattern labelValues =
                Pattern.compile("label_values\\(\\s*(flink_[A-Za-z0-9_:]+)\\s*,\\s*(\\w+)\\s*\\)");
        int variables = 0;
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            String definition = variable.get("definition").asText();
            Matcher m = labelValues.matcher(definition);
            assertThat(m.matches()).as(definition).isTrue();
            assertThat(variable.get("query").get("query").asText()).isEqualTo(definition);
            assertThat(exported).as(definition).containsKey(m.group(1));
            assertThat(exported.get(m.group(1))).as(definition).contains(m.group(2));
            queried.add(m.group(1));
            variables++;
        }
        assertThat(variables).as("template variables").isEqualTo(1);
        // Back to the names the job registers (group "contrastream" of the trainer and the
        // decoder): each queried Prometheus name is flink_<logical scope>_contrastream_<metric>,
        // or, per model, flink_<logical scope>_contrastream_model_<metric> of the group
        // contrastream.model.<model name>, registered here for every region.
        String prefix = "flink_taskmanager_job_task_operator_contrastream_";
        Set<String> registered = new TreeSet<>();
        for (String name : queried) {
            assertThat(name).startsWith(prefix);
            String metric = name.substring(prefix.length());
            if (metric.startsWith("model_")) {
                String perModel = metric.substring("model_".length());
                for (String region : REGIONS) {
                    assertThat(
                                    CapturingMetricReporter.find(
                                            "it-dashboard",
                                            ".contrastream.model." + region + "." + perModel))
                            .as("registered metric contrastream.model.%s.%s", region, perModel)
                            .isNotEmpty();
                }
                registered.add("model." + perModel);
            } else {
                assertThat(CapturingMetricReporter.find("it-dashboard", ".contrastream." + metric))
                        .as("registered metric contrastream.%s", metric)
                        .isNotEmpty();
                registered.add(metric);
            }
        }
        assertThat(registered)
                .containsExactlyInAnyOrder(
                        "events",
                        "updates",
                        "skipped_updates",
                        "alerts",
                        "dead_letters",
                        "trainer_dead_letters",
                        "models_created",
                        "loss",
                        "distance",
                        "model.loss",
                        "model.roc_auc",
                        "model.mean_positive_distance",
                        "model.mean_negative_distance",
                        "model.threshold",
                        "model.events",
                        "model.alerts");
    }

    private static int count(String s, String part) {
        int n = 0;
        for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) n++;
        return n;
    }

    /** The chromium binary; installs Debian's package if missing; skips only if that fails. */
    private static String chromium() throws Exception {
        for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
            if (Files.isExecutable(Path.of(candidate))) return candidate;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> install = new ArrayList<>();
        if (!root) install.addAll(List.of("sudo", "-n"));
        install.addAll(List.of("apt-get", "install", "-y", "chromium"));
        String output;
        try {
            Process p = new ProcessBuilder(install).redirectErrorStream(true).start();
            output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(10, TimeUnit.MINUTES);
        } catch (IOException e) {
            output = e.toString();
        }
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) return "/usr/bin/chromium";
        Assumptions.abort(
                "SKIPPED: chromium is not installed and `"
                        + String.join(" ", install)
                        + "` could not install it: "
                        + output.strip().lines().reduce((a, b) -> b).orElse(""));
        return null;
    }

    /** Runs headless chromium on 127.0.0.1 only; returns its standard output. */
    private static String runChromium(String chromium, Path profile, String... args)
            throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                chromium,
                                "--headless",
                                "--no-sandbox", // the build may run as root
                                "--disable-gpu",
                                "--no-first-run",
                                "--no-default-browser-check",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--disable-extensions",
                                "--disable-dev-shm-usage",
                                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                                "--user-data-dir=" + profile,
                                "--window-size=1400,1800"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(TARGET.toAbsolutePath(), "chromium-", ".out");
        Path err = Files.createTempFile(TARGET.toAbsolutePath(), "chromium-", ".err");
        Process p =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
        try {
            boolean done = p.waitFor(120, TimeUnit.SECONDS);
            assertThat(done).as("chromium finished within 120 s").isTrue();
            assertThat(p.exitValue())
                    .as("chromium exit; stderr: %s", Files.readString(err))
                    .isZero();
            return Files.readString(out);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }
}
