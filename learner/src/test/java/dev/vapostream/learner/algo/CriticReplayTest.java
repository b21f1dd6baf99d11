package dev.vapostream.learner.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class CriticReplayTest {

    @Test
    void capacityOneTrainsOnTheNewestBatchAsItCameAndDrawsNothing() {
        // Given a replay of one batch and a seeded random
        CriticReplay replay = new CriticReplay(1);
        SplittableRandom used = new SplittableRandom(5);
        TrainingBatch batch = batch(0, 4);
        // When a batch is added and the critic's rows drawn
        replay.add(batch);
        TrainingBatch rows = replay.draw(batch.size(), used);
        // Then the critic trains on that very batch, and the random stream is where it was
        assertSame(batch, rows);
        assertEquals(new SplittableRandom(5).nextLong(), used.nextLong());
    }

    @Test
    void rowsAreDrawnFromTheLastCapacityBatchesOnlyEachAtMostOnce() {
        // Given a replay of 3 batches fed 5 batches of 4 rows, each row tagged with its batch and index
        CriticReplay replay = new CriticReplay(3);
        SplittableRandom random = new SplittableRandom(11);
        for (int b = 0; b < 5; b++) {
            // When each is added and 4 rows drawn
            replay.add(batch(b, 4));
            TrainingBatch rows = replay.draw(4, random);
            // Then as many rows come back as the newest batch has, none twice, all from batches b-2..b
            assertEquals(4, rows.size());
            Set<Float> tags = new HashSet<>();
            for (int i = 0; i < rows.size(); i++) {
                float tag = rows.returns()[i][0];
                assertTrue(tags.add(tag), "row drawn twice: " + tag);
                int from = (int) tag / 100;
                assertTrue(from >= b - 2 && from <= b, "batch " + b + " drew a row of batch " + from);
                assertEquals(tag, rows.oldValues()[i][0], "a row's parts come from one row");
                assertEquals(from, rows.prompts().get(i)[0], "a row's prompt comes with it");
            }
        }
        assertEquals(3, replay.pooled());
    }

    @Test
    void rowsAreDrawnUniformlyOverThePool() {
        // Given a replay of 4 batches of 8 rows, kept full
        CriticReplay replay = new CriticReplay(4);
        SplittableRandom random = new SplittableRandom(3);
        for (int b = 0; b < 3; b++) {
            replay.add(batch(b, 8));
        }
        // When 50 more batches are added, counting how old each drawn row's batch is
        int[] byAge = new int[4];
        for (int b = 3; b < 53; b++) {
            replay.add(batch(b, 8));
            TrainingBatch rows = replay.draw(8, random);
            for (int i = 0; i < rows.size(); i++) {
                byAge[b - (int) rows.returns()[i][0] / 100]++;
            }
        }
        // Then each of the 4 pooled batches gives about a quarter of the 400 rows (±10 points, over 4 standard deviations)
        for (int age = 0; age < 4; age++) {
            assertTrue(byAge[age] >= 60 && byAge[age] <= 140, "rows from the batch " + age + " back: " + byAge[age]);
        }
    }

    @Test
    void aDrawTakesAtMostWhatThePoolHoldsAndAnEmptyPoolIsRefused() {
        // Given a replay of 3 batches holding 2 batches of 4 rows
        CriticReplay replay = new CriticReplay(3);
        SplittableRandom random = new SplittableRandom(2);
        IllegalStateException empty = assertThrows(IllegalStateException.class, () -> replay.draw(4, random));
        assertTrue(empty.getMessage().contains("pool is empty"), empty.getMessage());
        replay.add(batch(0, 4));
        replay.add(batch(1, 4));
        // When 16 rows are asked for
        TrainingBatch rows = replay.draw(16, random);
        // Then the 8 rows it holds come back, each once
        assertEquals(8, rows.size());
        Set<Float> tags = new HashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            assertTrue(tags.add(rows.returns()[i][0]));
        }
    }

    @Test
    void redrawNeedsAPoolToDrawFrom() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> UpdateSettings.vapo(1).withCriticRedraw(true));
        assertTrue(e.getMessage().contains("needs critic-replay above 1"), e.getMessage());
        assertTrue(UpdateSettings.vapo(1).withCriticReplay(4).withCriticRedraw(true).criticRedraw());
    }

    @Test
    void aReplayOfNoBatchesIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new CriticReplay(0));
        assertTrue(e.getMessage().contains("critic-replay must be at least 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> UpdateSettings.vapo(1).withCriticReplay(0));
    }

    /** {@code n} one-token rows of batch {@code b}; row i's return and old value are b·100 + i, its prompt [b]. */
    private static TrainingBatch batch(int b, int n) {
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        float[][] tags = new float[n][];
        float[][] ones = new float[n][];
        for (int i = 0; i < n; i++) {
            prompts.add(new int[] {b});
            responses.add(new int[] {3});
            tags[i] = new float[] {b * 100 + i};
            ones[i] = new float[] {1f};
        }
        return new TrainingBatch(prompts, responses, ones, ones, tags, tags, ones, new double[n], new boolean[n]);
    }
}
