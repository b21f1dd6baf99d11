package dev.vapostream.schemas.metrics;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Properties;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vapostream.schemas.settings.CommonSettings;
import dev.vapostream.schemas.settings.SettingsSpec;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET http://127.0.0.1:PORT/metrics}: the stage's meters in Prometheus' text format, for a
 * monitoring stack to scrape. Off unless a stage is given {@code metrics.port}; bound to the
 * loopback address only (put a proxy or an agent beside it to expose it further).
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    /** {@code metrics.port} value that leaves the endpoint off. */
    public static final int OFF = -1;

    private final HttpServer server;

    private MetricsEndpoint(HttpServer server) {
        this.server = server;
    }

    /** As {@link #openIfEnabled(int)}, with the port from a stage's {@code metrics.port} setting. */
    public static MetricsEndpoint openIfEnabled(Properties stageProperties) {
        SettingsSpec spec = CommonSettings.PROCESS_SPEC;
        return openIfEnabled(spec.read(spec.select(stageProperties)).get(CommonSettings.METRICS_PORT));
    }

    /**
     * Serves {@link StageMeters} on {@code port} (0: a free port), or does nothing for {@link #OFF}.
     *
     * @return the endpoint to close, or null when off
     */
    public static MetricsEndpoint openIfEnabled(int port) {
        return port == OFF ? null : open(port, StageMeters.registry());
    }

    public static MetricsEndpoint open(int port, PrometheusMeterRegistry registry) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("metrics.port must be -1 (off), 0 (a free port) or a port, got " + port);
        }
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            server.createContext("/metrics", exchange -> respond(exchange, registry));
            server.start();
            MetricsEndpoint endpoint = new MetricsEndpoint(server);
            LOG.info("metrics for Prometheus at {}", endpoint.url());
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on 127.0.0.1:" + port + " (metrics.port)", e);
        }
    }

    private static void respond(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/metrics";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
