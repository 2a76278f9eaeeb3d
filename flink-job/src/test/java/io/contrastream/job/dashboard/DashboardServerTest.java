package io.contrastream.job.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The server serves the page, uPlot from its WebJar and the state, on 127.0.0.1 only. */
class DashboardServerTest {

    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(DashboardServer server, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(server.url() + path.substring(1))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void servesThePageUplotAndTheState() throws Exception {
        DashboardState state = new DashboardState("unit", 10, 5);
        try (DashboardServer server = DashboardServer.start(state, 0)) {
            assertThat(server.url()).startsWith("http://127.0.0.1:");
            HttpResponse<String> page = get(server, "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body())
                    .contains("/uplot/uPlot.iife.min.js")
                    .contains("id=\"chart-loss\"")
                    .doesNotContain("http://")
                    .doesNotContain("https://"); // nothing from the network
            HttpResponse<String> uplot = get(server, "/uplot/uPlot.iife.min.js");
            assertThat(uplot.statusCode()).isEqualTo(200);
            assertThat(uplot.body()).contains("uPlot");
            assertThat(get(server, "/uplot/uPlot.min.css").statusCode()).isEqualTo(200);
            assertThat(get(server, "/dashboard.js").body()).contains("/api/state");
            HttpResponse<String> api = get(server, "/api/state");
            assertThat(api.headers().firstValue("Content-Type")).hasValue("application/json");
            assertThat(api.body()).contains("\"source\":\"unit\"");
            assertThat(get(server, "/../pom.xml").statusCode()).isEqualTo(404);
            assertThat(get(server, "/io/contrastream/job/dashboard/index.html").statusCode())
                    .isEqualTo(404);
            HttpResponse<String> post =
                    http.send(
                            HttpRequest.newBuilder(URI.create(server.url() + "api/state"))
                                    .POST(HttpRequest.BodyPublishers.ofString("x"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);
        }
    }

    @Test
    void bindsLoopbackOnly() throws Exception {
        try (DashboardServer server = DashboardServer.start(new DashboardState("x", 2, 1), 0)) {
            assertThat(server.url())
                    .isEqualTo(
                            "http://"
                                    + InetAddress.getLoopbackAddress().getHostAddress()
                                    + ":"
                                    + server.port()
                                    + "/");
        }
    }
}
