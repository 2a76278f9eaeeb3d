package io.contrastream.job.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves the dashboard page on 127.0.0.1 with the JDK's HTTP server: the page and its script, uPlot
 * from its WebJar on the classpath (so the page needs no network), and {@code /api/state}, the
 * {@link DashboardState} as JSON, which the page polls every second.
 *
 * <p>Only a fixed list of paths is served (no file system, no path from the request reaches the
 * class loader); anything else is 404, any method but GET and HEAD is 405.
 */
public final class DashboardServer implements AutoCloseable {

    /** Where the page's own files live on the classpath. */
    private static final String PAGE = "io/contrastream/job/dashboard/";

    private final HttpServer server;
    private final ExecutorService executor;
    private final DashboardState state;
    private final Map<String, Resource> files;

    private record Resource(String classpath, String contentType) {}

    private DashboardServer(HttpServer server, DashboardState state) {
        this.server = server;
        this.state = state;
        String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        this.files =
                Map.of(
                        "/", new Resource(PAGE + "index.html", "text/html; charset=utf-8"),
                        "/dashboard.js",
                                new Resource(
                                        PAGE + "dashboard.js", "text/javascript; charset=utf-8"),
                        "/dashboard.css",
                                new Resource(PAGE + "dashboard.css", "text/css; charset=utf-8"),
                        "/uplot/uPlot.iife.min.js",
                                new Resource(
                                        uplot + "uPlot.iife.min.js",
                                        "text/javascript; charset=utf-8"),
                        "/uplot/uPlot.min.css",
                                new Resource(uplot + "uPlot.min.css", "text/css; charset=utf-8"));
        this.executor =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "dashboard-http");
                            t.setDaemon(true);
                            return t;
                        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /**
     * Starts a server on 127.0.0.1.
     *
     * @param port the port, or 0 for an ephemeral one (see {@link #url()})
     */
    public static DashboardServer start(DashboardState state, int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("dashboard port must be in 0..65535, got " + port);
        }
        HttpServer http =
                HttpServer.create(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        DashboardServer server = new DashboardServer(http, state);
        http.start();
        return server;
    }

    /** The page's address, e.g. {@code http://127.0.0.1:43121/}. */
    public String url() {
        InetSocketAddress a = server.getAddress();
        return "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/";
    }

    /** The port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                send(exchange, 405, "text/plain; charset=utf-8", bytes("GET only\n"));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/state")) {
                send(exchange, 200, "application/json", bytes(state.toJson()));
                return;
            }
            Resource r = files.get(path);
            byte[] body = r == null ? null : read(r.classpath());
            if (body == null) {
                send(exchange, 404, "text/plain; charset=utf-8", bytes("not found\n"));
                return;
            }
            send(exchange, 200, r.contentType(), body);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] read(String classpath) throws IOException {
        try (InputStream in =
                DashboardServer.class.getClassLoader().getResourceAsStream(classpath)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    /** The uPlot version of the WebJar on the classpath, from its Maven metadata. */
    static String uplotVersion() {
        try (InputStream in =
                DashboardServer.class
                        .getClassLoader()
                        .getResourceAsStream(
                                "META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the uPlot WebJar's version", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
