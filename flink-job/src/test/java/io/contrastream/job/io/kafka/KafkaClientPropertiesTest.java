package io.contrastream.job.io.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading --kafka-properties: values passed through, never shown. */
class KafkaClientPropertiesTest {

    private static final String SECRET = "s3cr3t-P@ss";

    @TempDir Path dir;

    private Path file(String text) throws Exception {
        Path f = dir.resolve("client.properties");
        Files.writeString(f, text, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void loadsEveryKeyAndShowsOnlyTheNames() throws Exception {
        KafkaClientProperties p =
                KafkaClientProperties.load(
                        file(
                                "security.protocol=SASL_SSL\n"
                                        + "sasl.mechanism=PLAIN\n"
                                        + "sasl.jaas.config=org.apache.kafka.common.security.plain"
                                        + ".PlainLoginModule required username=\"u\" password=\""
                                        + SECRET
                                        + "\";\n"
                                        + "ssl.truststore.password="
                                        + SECRET
                                        + "\n"));
        Properties values = p.toProperties();
        assertThat(values.getProperty("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(values.getProperty("ssl.truststore.password")).isEqualTo(SECRET);
        assertThat(values.getProperty("sasl.jaas.config")).contains(SECRET);
        assertThat(p.keyNames())
                .containsExactly(
                        "sasl.jaas.config",
                        "sasl.mechanism",
                        "security.protocol",
                        "ssl.truststore.password");
        assertThat(p.toString())
                .contains("ssl.truststore.password")
                .doesNotContain(SECRET)
                .doesNotContain("SASL_SSL")
                .doesNotContain("PLAIN");
        assertThat(p.keyNames().toString()).doesNotContain(SECRET);
    }

    @Test
    void givesACopySoTheCallerCannotChangeIt() throws Exception {
        KafkaClientProperties p = KafkaClientProperties.load(file("client.id=x\n"));
        p.toProperties().setProperty("client.id", "changed");
        assertThat(p.toProperties().getProperty("client.id")).isEqualTo("x");
    }

    @Test
    void refusesAKeyTheJobSetsNamingTheKeyNotTheValue() throws Exception {
        Path f = file("bootstrap.servers=" + SECRET + ":9092\n");
        assertThatThrownBy(() -> KafkaClientProperties.load(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'bootstrap.servers'")
                .hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> KafkaClientProperties.load(file("isolation.level=x\n")))
                .hasMessageContaining("'isolation.level'");
    }

    @Test
    void aMissingFileIsNamedWithoutItsContents() {
        Path missing = dir.resolve("nope.properties");
        assertThatThrownBy(() -> KafkaClientProperties.load(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope.properties")
                .hasMessageContaining("NoSuchFileException");
    }

    @Test
    void aMalformedEscapeIsRefusedWithoutTheValue() throws Exception {
        Path f = file("sasl.jaas.config=" + SECRET + "\\uZZZZ\n");
        assertThatThrownBy(() -> KafkaClientProperties.load(f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining(SECRET);
    }

    @Test
    void noneIsEmpty() {
        assertThat(KafkaClientProperties.none().isEmpty()).isTrue();
        assertThat(KafkaClientProperties.none().toString()).isEqualTo("KafkaClientProperties[]");
    }
}
