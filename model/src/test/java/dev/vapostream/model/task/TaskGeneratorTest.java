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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TaskGeneratorTest {

    private static final CharTokenizer TOKENIZER = CharTokenizer.forBuiltInTask();

    @Test
    void theSameSeedGivesTheSameExamplesAndAnotherSeedDoesNot() {
        TaskGenerator five = new TaskGenerator(BuiltInTask.DEFAULT, 5L);
        assertEquals(five.generate(Split.TRAIN, 200), new TaskGenerator(BuiltInTask.DEFAULT, 5L).generate(Split.TRAIN, 200));
        assertNotEquals(five.generate(Split.TRAIN, 200), new TaskGenerator(BuiltInTask.DEFAULT, 6L).generate(Split.TRAIN, 200));
    }

    @ParameterizedTest
    @EnumSource(BuiltInTask.class)
    void answersAreTheSumsOfTheirPromptsAndIdsAreUnique(BuiltInTask task) {
        List<TaskExample> examples = new TaskGenerator(task, 1L).generate(Split.HELD_OUT, 500);
        for (TaskExample example : examples) {
            assertEquals(task.parse(example.prompt()).answer(), example.answer());
            assertTrue(example.id().startsWith("heldout-"));
        }
        assertEquals(500, examples.stream().map(TaskExample::id).distinct().count());
    }

    @Test
    void theDefaultTasksReferenceResponsesVaryTenfoldInLength() {
        // Given 2000 generated problems of the default task, When their worked solutions are tokenized
        IntSummaryStatistics lengths = new TaskGenerator(BuiltInTask.DEFAULT, 2L).generate(Split.TRAIN, 2000).stream()
                .mapToInt(e -> TOKENIZER.encodeResponse(RunningSumProblem.parse(e.prompt()).workedSolution()).length)
                .summaryStatistics();
        // Then the longest are at least ten times the shortest, within the declared bound
        assertTrue(lengths.getMax() >= 10 * lengths.getMin(), lengths.toString());
        assertEquals(BuiltInTask.DEFAULT.maxResponseTokens(), lengths.getMax());
    }

    @ParameterizedTest
    @EnumSource(BuiltInTask.class)
    void everyTermCountOfTheTaskOccursAndNoOther(BuiltInTask task) {
        Set<Integer> termCounts = new TaskGenerator(task, 3L).generate(Split.TRAIN, 1000).stream()
                .map(e -> RunningSumProblem.parse(e.prompt()).termCount())
                .collect(Collectors.toSet());
        Set<Integer> expected = new HashSet<>();
        for (int terms = task.minTerms(); terms <= task.maxTerms(); terms++) {
            expected.add(terms);
        }
        assertEquals(expected, termCounts);
    }

    @ParameterizedTest
    @EnumSource(BuiltInTask.class)
    void bothSplitsHaveTheSameUniformTermCountDistribution(BuiltInTask task) {
        // Given 3000 problems per split, When the share of each bucket is counted
        TaskGenerator generator = new TaskGenerator(task, 8L);
        for (Split split : Split.values()) {
            List<TaskExample> examples = generator.generate(split, 3000);
            for (LengthBucket bucket : LengthBucket.values()) {
                double share = examples.stream()
                        .filter(e -> task.bucketOf(e.prompt()).orElseThrow() == bucket).count() / 3000.0;
                double expected = (bucket.maxTerms(task) - bucket.minTerms(task) + 1)
                        / (double) (task.maxTerms() - task.minTerms() + 1);
                // Then it matches the uniform term count within 4 standard errors (~0.035)
                assertEquals(expected, share, 0.035, split + " " + bucket);
            }
        }
    }

    @Test
    void hardTagsMarkExactlyTheProblemsTheTeacherAlmostNeverSolves() {
        // Given generated problems of the default task
        List<TaskExample> examples = new TaskGenerator(BuiltInTask.DEFAULT, 4L).generate(Split.TRAIN, 2000);
        long hard = 0;
        for (TaskExample example : examples) {
            // Then a problem is tagged hard if and only if its teacher solves it less than 1% of the time
            double solved = RunningSumProblem.parse(example.prompt()).successProbability(BuiltInTask.DEFAULT.teacher());
            assertEquals(solved < BuiltInTask.HARD_BELOW, example.hasTag(BuiltInTask.HARD_TAG), example.prompt());
            hard += example.hasTag(BuiltInTask.HARD_TAG) ? 1 : 0;
        }
        // And they are a real share of the task: about a quarter
        assertTrue(hard > 0.15 * examples.size() && hard < 0.35 * examples.size(), hard + " hard of " + examples.size());
    }

    @Test
    void splitsShareNoProblemOfThreeOrMoreTerms() {
        TaskGenerator generator = new TaskGenerator(BuiltInTask.DEFAULT, 4L);
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
