package dev.vapostream.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.HashSet;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TaskGeneratorTest {

    private static final CharTokenizer TOKENIZER = CharTokenizer.forBuiltInTask();

    @Test
    void theSameSeedGivesTheSameExamplesAndAnotherSeedDoesNot() {
        assertEquals(new TaskGenerator(5L).generate(Split.TRAIN, 200), new TaskGenerator(5L).generate(Split.TRAIN, 200));
        assertNotEquals(new TaskGenerator(5L).generate(Split.TRAIN, 200), new TaskGenerator(6L).generate(Split.TRAIN, 200));
    }

    @Test
    void answersAreTheSumsOfTheirPromptsAndIdsAreUnique() {
        List<TaskExample> examples = new TaskGenerator(1L).generate(Split.HELD_OUT, 500);
        for (TaskExample example : examples) {
            assertEquals(RunningSumProblem.parse(example.prompt()).answer(), example.answer());
            assertTrue(example.id().startsWith("heldout-"));
        }
        assertEquals(500, examples.stream().map(TaskExample::id).distinct().count());
    }

    @Test
    void referenceResponseLengthsRangeFromUnderTenToOverFiftyTokens() {
        // Given 2000 generated problems, When their worked solutions are tokenized
        IntSummaryStatistics lengths = new TaskGenerator(2L).generate(Split.TRAIN, 2000).stream()
                .mapToInt(e -> TOKENIZER.encodeResponse(RunningSumProblem.parse(e.prompt()).workedSolution()).length)
                .summaryStatistics();
        // Then the shortest are under ten tokens and the longest over fifty
        assertTrue(lengths.getMin() <= 10, "shortest " + lengths.getMin());
        assertTrue(lengths.getMax() >= 50, "longest " + lengths.getMax());
        assertTrue(lengths.getMax() <= RunningSumProblem.MAX_RESPONSE_TOKENS);
    }

    @Test
    void everyTermCountAndBucketOccurs() {
        Set<Integer> termCounts = new TaskGenerator(3L).generate(Split.TRAIN, 1000).stream()
                .map(e -> RunningSumProblem.parse(e.prompt()).termCount())
                .collect(Collectors.toSet());
        for (int terms = RunningSumProblem.MIN_TERMS; terms <= RunningSumProblem.MAX_TERMS; terms++) {
            assertTrue(termCounts.contains(terms), "no problem with " + terms + " terms");
        }
    }

    @Test
    void bothSplitsHaveTheSameUniformTermCountDistribution() {
        // Given 3000 problems per split, When the share of each bucket is counted
        TaskGenerator generator = new TaskGenerator(8L);
        for (Split split : Split.values()) {
            List<TaskExample> examples = generator.generate(split, 3000);
            for (LengthBucket bucket : LengthBucket.values()) {
                double share = examples.stream()
                        .filter(e -> RunningSumProblem.parse(e.prompt()).bucket() == bucket).count() / 3000.0;
                double expected = (bucket.maxTerms() - bucket.minTerms() + 1)
                        / (double) (RunningSumProblem.MAX_TERMS - RunningSumProblem.MIN_TERMS + 1);
                // Then it matches the uniform term count within 4 standard errors (~0.035)
                assertEquals(expected, share, 0.035, split + " " + bucket);
            }
        }
    }

    @Test
    void splitsShareNoProblemOfThreeOrMoreTerms() {
        TaskGenerator generator = new TaskGenerator(4L);
        Set<String> train = prompts(generator.generate(Split.TRAIN, 3000));
        Set<String> heldOut = prompts(generator.generate(Split.HELD_OUT, 500));
        Set<String> shared = new HashSet<>(train);
        shared.retainAll(heldOut);
        for (String prompt : shared) {
            assertTrue(RunningSumProblem.parse(prompt).termCount() < 3, "shared: " + prompt);
        }
    }

    private static Set<String> prompts(List<TaskExample> examples) {
        return examples.stream().map(TaskExample::prompt).collect(Collectors.toSet());
    }
}
