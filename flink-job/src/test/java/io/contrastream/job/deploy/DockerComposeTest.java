package io.contrastream.job.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.contrastream.job.demo.DemoRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Docker cannot run here, so this checks what can be checked of docker-compose.yml: it parses; the
 * services are there; every published port is bound to 127.0.0.1; the topics it creates are the
 * job's default topics; the job runs the command-line entry point against the compose broker; the
 * Prometheus reporter's port is the one Prometheus scrapes; the mounted jar is the one the build
 * makes; Grafana's provisioning is mounted where Grafana reads it, its datasource is the compose
 * Prometheus, and every panel of its dashboard uses that datasource.
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of(System.getProperty("contrastream.root", ".."));
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static JsonNode compose() throws IOException {
        return YAML.readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    @Test
    void servicesAreThere() throws IOException {
        List<String> names = new ArrayList<>();
        compose().get("services").fieldNames().forEachRemaining(names::add);
        assertThat(names)
                .containsExactlyInAnyOrder(
                        "kafka", "topics", "jobmanager", "taskmanager", "prometheus", "grafana");
    }

    @Test
    void everyPublishedPortIsLoopbackOnly() throws IOException {
        int published = 0;
        for (JsonNode service : compose().get("services")) {
            JsonNode ports = service.get("ports");
            if (ports == null) continue;
            for (JsonNode port : ports) {
                assertThat(port.asText()).startsWith("127.0.0.1:");
                published++;
            }
        }
        assertThat(published).isEqualTo(4); // kafka, Flink's web UI, Prometheus, Grafana
    }

    @Test
    void topicsAreTheJobDefaults() throws IOException {
        String script = compose().get("services").get("topics").get("command").get(0).asText();
        Matcher m = Pattern.compile("for topic in ([^;]+);").matcher(script);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1).trim().split("\\s+"))
                .containsExactlyInAnyOrder(
                        DemoRunner.PAIRS,
                        DemoRunner.SCORES,
                        DemoRunner.METRICS,
                        DemoRunner.ALERTS,
                        DemoRunner.DEAD_LETTERS,
                        DemoRunner.MODELS);
    }

    @Test
    void theJobManagerRunsTheJobJarAgainstTheComposeBroker() throws IOException {
        JsonNode jm = compose().get("services").get("jobmanager");
        String command = jm.get("command").asText();
        assertThat(command)
                .contains("--job-classname io.contrastream.job.cli.ContrastreamCommand")
                .contains("run --bootstrap-servers kafka:29092");
        assertThat(jm.get("volumes").get(0).asText())
                .startsWith("./flink-job/target/contrastream-job.jar:/opt/flink/usrlib/");
        String pom = Files.readString(ROOT.resolve("flink-job/pom.xml"));
        assertThat(pom).contains("<finalName>contrastream-job</finalName>");
        assertThat(
                        compose()
                                .get("services")
                                .get("kafka")
                                .get("environment")
                                .get("KAFKA_ADVERTISED_LISTENERS")
                                .asText())
                .contains("INTERNAL://kafka:29092");
    }

    @Test
    void theTaskManagerRunsTheVectorKernelsAsTheLauncherDoes() throws IOException {
        String properties =
                compose()
                        .get("services")
                        .get("taskmanager")
                        .get("environment")
                        .get("FLINK_PROPERTIES")
                        .asText();
        assertThat(properties)
                .contains("env.java.opts.taskmanager: --add-modules=jdk.incubator.vector");
        assertThat(Files.readString(ROOT.resolve("contrastream")))
                .contains("exec java --add-modules=jdk.incubator.vector");
    }

    @Test
    void prometheusScrapesTheReporterPort() throws IOException {
        JsonNode services = compose().get("services");
        for (String flink : List.of("jobmanager", "taskmanager")) {
            assertThat(services.get(flink).get("environment").get("FLINK_PROPERTIES").asText())
                    .contains("PrometheusReporterFactory")
                    .contains("metrics.reporter.prom.port: 9249");
        }
        JsonNode prometheus = YAML.readTree(ROOT.resolve("deploy/prometheus.yml").toFile());
        List<String> targets = new ArrayList<>();
        prometheus
                .get("scrape_configs")
                .get(0)
                .get("static_configs")
                .get(0)
                .get("targets")
                .forEach(t -> targets.add(t.asText()));
        assertThat(targets).containsExactlyInAnyOrder("jobmanager:9249", "taskmanager:9249");
    }

    @Test
    void grafanaIsProvisionedWithPrometheusAndTheDashboard() throws IOException {
        JsonNode grafana = compose().get("services").get("grafana");
        assertThat(grafana.get("image").asText()).startsWith("grafana/grafana:");
        assertThat(grafana.get("ports").get(0).asText()).isEqualTo("127.0.0.1:3000:3000");
        List<String> volumes = new ArrayList<>();
        grafana.get("volumes").forEach(v -> volumes.add(v.asText()));
        assertThat(volumes)
                .containsExactlyInAnyOrder(
                        "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro",
                        "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro");
        for (String v : volumes) {
            assertThat(ROOT.resolve(v.substring(2, v.indexOf(':')))).isDirectory();
        }

        JsonNode datasource =
                YAML.readTree(
                                ROOT.resolve(
                                                "deploy/grafana/provisioning/datasources/prometheus.yml")
                                        .toFile())
                        .get("datasources")
                        .get(0);
        assertThat(datasource.get("type").asText()).isEqualTo("prometheus");
        // The compose Prometheus, by service name and the port it listens on.
        assertThat(datasource.get("url").asText()).isEqualTo("http://prometheus:9090");
        assertThat(compose().get("services").get("prometheus").get("command").toString())
                .contains("--web.listen-address=:9090");

        JsonNode provider =
                YAML.readTree(
                                ROOT.resolve(
                                                "deploy/grafana/provisioning/dashboards/contrastream.yml")
                                        .toFile())
                        .get("providers")
                        .get(0);
        String path = provider.get("options").get("path").asText();
        assertThat(path).isEqualTo("/var/lib/grafana/dashboards");
        assertThat(
                        grafana.get("environment")
                                .get("GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH")
                                .asText())
                .isEqualTo(path + "/contrastream.json");

        JsonNode dashboard =
                new ObjectMapper()
                        .readTree(
                                ROOT.resolve("deploy/grafana/dashboards/contrastream.json")
                                        .toFile());
        int queries = 0;
        for (JsonNode panel : dashboard.get("panels")) {
            if (!panel.has("targets")) continue;
            assertThat(panel.get("datasource").get("uid").asText())
                    .as(panel.get("title").asText())
                    .isEqualTo(datasource.get("uid").asText());
            for (JsonNode target : panel.get("targets")) {
                assertThat(target.get("expr").asText()).isNotBlank();
                queries++;
            }
        }
        assertThat(queries).isGreaterThanOrEqualTo(6);
    }

    /**
     * The per-model panels follow the dashboard's {@code model} variable (the names they query are
     * checked against a run that registers them in {@code DashboardITCase}).
     */
    @Test
    void perModelPanelsFollowTheModelVariable() throws IOException {
        JsonNode dashboard =
                new ObjectMapper()
                        .readTree(
                                ROOT.resolve("deploy/grafana/dashboards/contrastream.json")
                                        .toFile());
        JsonNode variable = dashboard.get("templating").get("list").get(0);
        assertThat(variable.get("name").asText()).isEqualTo("model");
        assertThat(variable.get("datasource").get("uid").asText())
                .isEqualTo("contrastream-prometheus");
        assertThat(variable.get("definition").asText())
                .startsWith("label_values(flink_taskmanager_job_task_operator_contrastream_model_")
                .endsWith(", model)");
        List<String> perModel = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                String expr = target.get("expr").asText();
                if (expr.contains("_contrastream_model_")) {
                    assertThat(expr).contains("{model=~\"$model\"}");
                    assertThat(target.get("legendFormat").asText()).contains("{{model}}");
                    perModel.add(panel.get("title").asText());
                }
            }
        }
        assertThat(perModel)
                .contains(
                        "Loss per model",
                        "ROC-AUC per model",
                        "Mean positive and negative distance per model",
                        "Threshold per model",
                        "Events per second per model",
                        "Alert rate per model");
    }
}
