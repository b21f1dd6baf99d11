package dev.vapostream.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class RunningSumProblemTest {

    private static final CharTokenizer TOKENIZER = CharTokenizer.forBuiltInTask();

    @Test
    void promptAnswerAndWorkedSolutionOfAThreeTermProblem() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {3, 5, -2});
        assertEquals("3+5-2=", problem.prompt());
        assertEquals("6", problem.answer());
        assertEquals("8-2;#6", problem.workedSolution());
        assertEquals(LengthBucket.SHORT, problem.bucket());
    }

    @Test
    void eachLineMergesTheFirstTwoNumbersAndCopiesTheRest() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {3, 5, -2, 7});
        assertEquals("8-2+7;6+7;#13", problem.workedSolution());
        assertEquals("13", problem.answer());
    }

    @Test
    void aTwoTermProblemIsAnsweredInOneStep() {
        assertEquals("#8", new RunningSumProblem(new int[] {3, 5}).workedSolution());
    }

    @Test
    void aSingleTermIsAnsweredDirectly() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {7});
        assertEquals("7=", problem.prompt());
        assertEquals("#7", problem.workedSolution());
    }

    @Test
    void negativeRunningTotalsAreWrittenWithTheirSign() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {1, -9, -3});
        assertEquals("-8-3;#-11", problem.workedSolution());
        assertEquals("-11", problem.answer());
    }

    @Test
    void theWorkedSolutionsFinalAnswerIsTheGroundTruth() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {9, -4, 8, -1, 2, 6});
        assertEquals(FinalAnswer.Verdict.CORRECT, FinalAnswer.judge(problem.workedSolution(), problem.answer()));
    }

    @Test
    void parsingAPromptGivesBackTheSameProblem() {
        RunningSumProblem problem = RunningSumProblem.parse("4-7+9-1=");
        assertEquals("4-7+9-1=", problem.prompt());
        assertEquals(4, problem.termCount());
        assertThrows(IllegalArgumentException.class, () -> RunningSumProblem.parse("4-7+"));
        assertThrows(IllegalArgumentException.class, () -> RunningSumProblem.parse("0+1="));
    }

    @Test
    void extremeProblemsFitTheDeclaredTokenBounds() {
        // Given the problems with the longest numbers (all +9, and 1 then all -9)
        int[] allPlus = new int[RunningSumProblem.MAX_TERMS];
        Arrays.fill(allPlus, 9);
        int[] allMinus = allPlus.clone();
        allMinus[0] = 1;
        Arrays.fill(allMinus, 1, allMinus.length, -9);
        for (int[] terms : new int[][] {allPlus, allMinus}) {
            RunningSumProblem problem = new RunningSumProblem(terms);
            // Then prompt and reference response fit the bounds the model's context is sized from
            assertTrue(TOKENIZER.encodeResponse(problem.workedSolution()).length <= RunningSumProblem.MAX_RESPONSE_TOKENS);
            assertEquals(FinalAnswer.Verdict.CORRECT, FinalAnswer.judge(problem.workedSolution(), problem.answer()));
            assertEquals(RunningSumProblem.MAX_PROMPT_TOKENS, TOKENIZER.encodePrompt(problem.prompt()).length);
        }
    }

    @Test
    void invalidTermsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[RunningSumProblem.MAX_TERMS + 1]));
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[] {-3, 4}));
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[] {3, 0}));
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[] {3, 10}));
    }
}
