package dev.vapostream.model.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class PromptLayoutTest {

    private final List<int[]> prompts = List.of(new int[] {1, 5, 6, 7}, new int[] {1, 4});

    @Test
    void withoutAFixedStartResponsePositionsRunOnFromEachPrompt() {
        PromptLayout layout = new PromptLayout(prompts);
        // Column 4 is the first response column; the short prompt is padded by 2
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), positions(layout, 0, 6));
        assertEquals(List.of(0L, 0L, 0L, 1L, 2L, 3L), positions(layout, 1, 6));
    }

    @Test
    void withAFixedStartEveryResponseBeginsThereWhateverItsPromptsLength() {
        PromptLayout layout = new PromptLayout(prompts, 10);
        // Prompts still count from their first token; response token j is at 10 + j in both rows
        assertEquals(List.of(0L, 1L, 2L, 3L, 10L, 11L), positions(layout, 0, 6));
        assertEquals(List.of(0L, 0L, 0L, 1L, 10L, 11L), positions(layout, 1, 6));
        assertEquals(12, layout.positionsUsed(0, 2));
        assertEquals(4, layout.positionsUsed(0, 0));
    }

    @Test
    void aPromptLongerThanThePromptPositionsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new PromptLayout(prompts, 3));
    }

    private static List<Long> positions(PromptLayout layout, int row, int columns) {
        return java.util.stream.IntStream.range(0, columns).mapToObj(c -> layout.position(row, c)).toList();
    }
}
