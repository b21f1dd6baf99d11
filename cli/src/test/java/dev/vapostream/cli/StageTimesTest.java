package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.avro.TrainPhase;
import dev.vapostream.schemas.metrics.StageMeters;
import io.micrometer.core.instrument.FunctionCounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StageTimesTest {

    @Test
    void threadsAreAttributedToTheComponentTheyWorkFor() {
        assertEquals("generator", StageTimes.componentOf("generator-0"));
        assertEquals("generator", StageTimes.componentOf("kafka-producer-network-thread | generator-0-producer"));
        assertEquals("generator", StageTimes.componentOf("kafka-coordinator-heartbeat-thread | vapo-generator"));
        assertEquals("scorer", StageTimes.componentOf("vapo-scorer-6f1c2d3e-1a2b-4c5d-8e9f-0a1b2c3d4e5f-StreamThread-1"));
        assertEquals("scorer", StageTimes.componentOf("scorer-1_0-worker-3"));
        assertEquals("advantage", StageTimes.componentOf("kafka-admin-client-thread | vapo-advantage-x-admin"));
        assertEquals("learner", StageTimes.componentOf("learner"));
        assertEquals("learner", StageTimes.componentOf("kafka-producer-network-thread | producer-3"));
        assertEquals("broker", StageTimes.componentOf("data-plane-kafka-request-handler-4"));
        assertEquals("broker", StageTimes.componentOf("kafka-1-raft-io-thread"));
        assertEquals("registry client", StageTimes.componentOf("vert.x-eventloop-thread-0"));
        assertEquals("jvm", StageTimes.componentOf("C2 CompilerThread0"));
        assertEquals("other", StageTimes.componentOf("main"));
    }

    @Test
    void eachStepAppendsTheStagesBusySecondsAndTheThreadsCpu(@TempDir Path dir) throws Exception {
        // Given a stage counter of busy seconds in the shared registry
        double[] seconds = {2.5};
        FunctionCounter counter = FunctionCounter.builder("vapo.test-stage.work-seconds", seconds, s -> s[0])
            .register(StageMeters.registry());
        Path file = dir.resolve("stage-times.jsonl");
        try (StageTimes times = new StageTimes(file)) {
            // When two steps are recorded, the counter moving in between
            times.record(step(1));
            seconds[0] = 4.0;
            times.record(step(2));
        } finally {
            StageMeters.registry().remove(counter);
        }

        // Then each line has the step, the counter's value then, and this thread's CPU time
        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        JsonNode second = new ObjectMapper().readTree(lines.get(1));
        assertEquals(1, first.get("step").asLong());
        assertEquals(2.5, first.get("busySeconds").get("test-stage.work-seconds").asDouble());
        assertEquals(4.0, second.get("busySeconds").get("test-stage.work-seconds").asDouble());
        assertTrue(second.get("cpuSeconds").get("other").asDouble() > 0, second.toString());
    }

    private static TrainMetrics step(long step) {
        return TrainMetrics.newBuilder().setRunId("r").setStep(step).setPhase(TrainPhase.POLICY).setPolicyVersion(step)
            .setTimestampMs(Instant.ofEpochMilli(1000 * step)).setRewardMean(0).setAccuracy(0).setHeldOutAccuracy(null)
            .setResponseLengthMean(0).setResponseLengthMax(0).setEntropy(0).setClipFractionLow(0).setClipFractionHigh(0)
            .setApproxKl(0).setPolicyLoss(0).setLmLoss(0).setValueLoss(0).setExplainedVariance(0).setVersionLagMin(0)
            .setVersionLagMean(0).setVersionLagMax(0).setTokensPerSecond(0).setDroppedGroups(0).setCorrectedGroups(0)
            .setExtra(Map.of()).build();
    }
}
