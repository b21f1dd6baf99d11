package dev.vapostream.model.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.Split;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.task.TaskGenerator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LengthPooledBatchesTest {

    private final List<TaskExample> examples = new TaskGenerator(BuiltInTask.DEFAULT, 1L).generate(Split.TRAIN, 500);

    @Test
    void batchesAreFullAndHoldSimilarLengths() {
        // Given pooled batches of 16, When 40 batches are drawn
        LengthPooledBatches batches = new LengthPooledBatches(examples, 16, e -> e.prompt().length(), 3L);
        int spreadSum = 0;
        for (int i = 0; i < 40; i++) {
            List<TaskExample> batch = batches.next();
            assertEquals(16, batch.size());
            int shortest = batch.stream().mapToInt(e -> e.prompt().length()).min().orElseThrow();
            int longest = batch.stream().mapToInt(e -> e.prompt().length()).max().orElseThrow();
            spreadSum += longest - shortest;
        }
        // Then the average length spread inside a batch is far below the task's spread (2..30 chars)
        assertTrue(spreadSum / 40.0 < 10, "mean spread " + spreadSum / 40.0);
    }

    @Test
    void theSameSeedGivesTheSameBatchSequence() {
        assertEquals(draw(7L), draw(7L));
        assertNotEquals(draw(7L), draw(8L));
    }

    private List<List<TaskExample>> draw(long seed) {
        LengthPooledBatches batches = new LengthPooledBatches(examples, 8, e -> e.prompt().length(), seed);
        List<List<TaskExample>> drawn = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            drawn.add(List.copyOf(batches.next()));
        }
        return drawn;
    }
}
