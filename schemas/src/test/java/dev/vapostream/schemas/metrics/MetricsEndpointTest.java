package dev.vapostream.schemas.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.metrics.stats.Value;
import org.apache.kafka.common.utils.Time;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {

    private static String scrape(MetricsEndpoint endpoint) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(URI.create(endpoint.url())).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        return response.body();
    }

    @Test
    void vaposKafkaMetricsAreScrapedAsPrometheusCountersAndGaugesWithTheirTagsAsLabels() throws Exception {
        // Given a Kafka metrics registry bridged to a Prometheus registry, with a counter and a gauge of
        // vapo's generator group and one metric of a Kafka client's own group
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (Metrics metrics = new Metrics(new MetricConfig(), List.of(new KafkaMetricsBridge(registry)), Time.SYSTEM);
             MetricsEndpoint endpoint = MetricsEndpoint.open(0, registry)) {
            Map<String, String> tags = Map.of("worker", "gen-1");
            Sensor groups = metrics.sensor("groups");
            groups.add(metrics.metricName("groups-total", "generator", "groups committed", tags), new CumulativeSum());
            Sensor lag = metrics.sensor("lag");
            lag.add(metrics.metricName("version-lag", "generator", "versions behind", tags), new Value());
            Sensor kafkas = metrics.sensor("io");
            kafkas.add(metrics.metricName("io-ratio", "producer-metrics", "a client metric", Map.of()), new Value());
            // When the counter counts 3, the gauge reads 2, and the endpoint is scraped
            groups.record(1);
            groups.record(2);
            lag.record(2);
            kafkas.record(0.5);
            String body = scrape(endpoint);
            // Then both are there, named vapo_<group>_<name>, with the worker as a label, and Kafka's own is not
            assertTrue(body.contains("vapo_generator_groups_total{worker=\"gen-1\"} 3.0"), body);
            assertTrue(body.contains("vapo_generator_version_lag{worker=\"gen-1\"} 2.0"), body);
            assertFalse(body.contains("io_ratio"), body);
            // And a metric removed from Kafka's registry leaves the scrape
            metrics.removeSensor("lag");
            assertFalse(scrape(endpoint).contains("vapo_generator_version_lag"));
        }
    }

    @Test
    void theEndpointIsOffByDefaultAndABadPortIsRefused() {
        assertNull(MetricsEndpoint.openIfEnabled(new Properties()));
        Properties bad = new Properties();
        bad.setProperty("metrics.port", "70000");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MetricsEndpoint.openIfEnabled(bad));
        assertTrue(e.getMessage().contains("metrics.port"), e.getMessage());
    }
}
