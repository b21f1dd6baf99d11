package dev.vapostream.learner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.vapostream.model.training.AdamW;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest {

    @Test
    void theLatestCompleteCheckpointIsReadBackWhole(@TempDir Path run) throws Exception {
        // Given two checkpoints, then a crash in the middle of writing a third
        for (long step = 1; step <= 2; step++) {
            Checkpoints.save(run, state(step), new byte[] {(byte) step}, new byte[] {9}, adam(step), adam(step + 10));
        }
        Path crashed = Files.createDirectories(run.resolve("checkpoints").resolve(".tmp-step-000003"));
        Files.write(crashed.resolve("policy.weights"), new byte[] {3});

        // When the run is reopened
        Checkpoints.Loaded loaded = Checkpoints.latest(run).orElseThrow();

        // Then step 2 comes back with its weights, optimizer state and offsets
        assertEquals(2, loaded.state().step());
        assertArrayEquals(new byte[] {2}, loaded.policy());
        assertArrayEquals(new byte[] {9}, loaded.critic());
        assertEquals(2, loaded.actorOptimizer().steps());
        assertArrayEquals(new float[] {2f, 0.5f}, loaded.actorOptimizer().firstMoments().get(0), 0f);
        assertEquals(12, loaded.criticOptimizer().steps());
        assertEquals(Map.of(0, 20L, 1, 7L), loaded.state().offsets());
    }

    @Test
    void onlyTheLastTwoCheckpointsAreKept(@TempDir Path run) throws Exception {
        for (long step = 1; step <= 4; step++) {
            Checkpoints.save(run, state(step), new byte[] {1}, null, adam(step), null);
        }
        try (var files = Files.list(run.resolve("checkpoints"))) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
            assertEquals(List.of("step-000003", "step-000004"), names);
        }
        assertTrue(Checkpoints.latest(run).orElseThrow().critic() == null);
    }

    private static Checkpoints.State state(long step) {
        return new Checkpoints.State(step, step, step + 5, 10 * step, 4 * step, 0, 1, 2, 3, List.of(0.25, 0.5), Map.of(0, 10 * step, 1, 7L));
    }

    private static AdamW.State adam(long steps) {
        return new AdamW.State((int) steps, List.of(new float[] {steps, 0.5f}), List.of(new float[] {0.25f, 0.125f}));
    }
}
