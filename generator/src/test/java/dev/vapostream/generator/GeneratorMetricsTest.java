package dev.vapostream.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class GeneratorMetricsTest {

    @Test
    void theBroadcastSummaryGivesTheMedianAndThe95thPercentileOfEveryLoadedVersion() {
        // Given a worker's metrics
        try (GeneratorMetrics metrics = new GeneratorMetrics("metrics-test-" + UUID.randomUUID())) {
            assertEquals("no version loaded", metrics.broadcastSummary());

            // When 20 versions are loaded 10, 20, ..., 200 ms after their publish, in a shuffled order
            for (int i : new int[] {7, 1, 20, 13, 2, 19, 3, 18, 4, 17, 5, 16, 6, 15, 8, 14, 9, 12, 10, 11}) {
                metrics.loaded(i, Duration.ofMillis(10L * i));
            }

            // Then the nearest-rank median is the 10th smallest and the 95th percentile the 19th
            assertEquals("publish to use p50 100 ms, p95 190 ms over 20 versions", metrics.broadcastSummary());
            assertEquals(20, metrics.value("versions-loaded-total"));
        }
    }

    @Test
    void whereABatchsTimeWentAddsUpPerWorker() {
        try (GeneratorMetrics metrics = new GeneratorMetrics("metrics-test-" + UUID.randomUUID())) {
            metrics.timed(1.5, 0.25, 0.5);
            metrics.timed(0.5, 0.25, 0.25);

            assertEquals(2.0, metrics.value("sampling-seconds-total"), 1e-12);
            assertEquals(0.5, metrics.value("sending-seconds-total"), 1e-12);
            assertEquals(0.75, metrics.value("commit-seconds-total"), 1e-12);
        }
    }
}
