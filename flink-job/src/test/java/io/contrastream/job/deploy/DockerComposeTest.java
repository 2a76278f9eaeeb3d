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
 * makes.
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
                        "kafka", "topics", "jobmanager", "taskmanager", "prometheus");
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
        assertThat(published).isEqualTo(3); // kafka, Flink's web UI, Prometheus
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
                        DemoRunner.DEAD_LETTERS);
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
}
