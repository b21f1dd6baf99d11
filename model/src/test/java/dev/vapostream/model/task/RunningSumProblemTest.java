package dev.vapostream.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vapostream.answer.FinalAnswer;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RunningSumProblemTest {

    private static final CharTokenizer TOKENIZER = CharTokenizer.forBuiltInTask();

    @Test
    void promptAnswerAndWorkedSolutionOfAFourTermProblem() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {3, 5, 2, 7});
        assertEquals("3+5+2+7=", problem.prompt());
        assertEquals("7", problem.answer());
        assertEquals("3+5=8;8+2=0;0+7=7;#7", problem.workedSolution());
        assertEquals(LengthBucket.SHORT, BuiltInTask.RUNNING_SUM.bucketOf(problem.prompt()).orElseThrow());
    }

    @Test
    void aTwoTermProblemTakesOneLine() {
        assertEquals("3+5=8;#8", new RunningSumProblem(new int[] {3, 5}).workedSolution());
        assertEquals("4", new RunningSumProblem(new int[] {9, 5}).answer());
    }

    @Test
    void everyLineHasTheSameLengthSoLineKStartsAtTheSamePositionForEveryProblem() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {9, 9, 1, 4, 6, 8});
        String[] lines = problem.workedSolution().split(";");
        for (int i = 0; i < lines.length - 1; i++) {
            assertEquals(RunningSumProblem.LINE_LENGTH - 1, lines[i].length(), lines[i]);
        }
        assertEquals("#7", lines[lines.length - 1]);
    }

    @Test
    void theWorkedSolutionsFinalAnswerIsTheGroundTruth() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {9, 4, 8, 1, 2, 6});
        assertEquals(FinalAnswer.Verdict.CORRECT, FinalAnswer.judge(problem.workedSolution(), problem.answer()));
    }

    @Test
    void aTeacherThatNeverSlipsWritesTheReferenceSolution() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {2, 7, 7, 3, 5});
        assertEquals(problem.workedSolution(), problem.sloppySolution(0.0, new SplittableRandom(1)));
    }

    @Test
    void aSlipChangesOneLinesResultAndTheRestCarriesOnFromIt() {
        // Given a teacher that slips on 30% of lines, and many solutions of one 6-term problem
        RunningSumProblem problem = new RunningSumProblem(new int[] {2, 7, 7, 3, 5, 1});
        SplittableRandom random = new SplittableRandom(3);
        int wrong = 0;
        int slips = 0;
        int lines = 0;
        for (int i = 0; i < 4000; i++) {
            String solution = problem.sloppySolution(0.3, random);
            String[] parts = solution.split(";");
            int carried = -1;
            for (int line = 0; line < parts.length - 1; line++) {
                String text = parts[line];
                int left = text.charAt(0) - '0';
                int term = text.charAt(2) - '0';
                int result = text.charAt(4) - '0';
                // Then every line starts from the previous line's result (the chain stays consistent)
                if (carried >= 0) {
                    assertEquals(carried, left, solution);
                }
                slips += result != (left + term) % 10 ? 1 : 0;
                lines++;
                carried = result;
            }
            // And the final answer is the last line's result
            assertEquals("#" + carried, parts[parts.length - 1]);
            wrong += FinalAnswer.judge(solution, problem.answer()) == FinalAnswer.Verdict.CORRECT ? 0 : 1;
        }
        // And lines slip at the configured rate; a wrong digit turns right again only by a slip onto it (1 in 9)
        assertEquals(0.3, (double) slips / lines, 0.02);
        double expectedWrong = 0;
        for (int line = 0; line < 5; line++) {
            expectedWrong = expectedWrong * (1 - 0.3 / 9) + (1 - expectedWrong) * 0.3;
        }
        assertEquals(expectedWrong, wrong / 4000.0, 0.03);
    }

    @Test
    void slipRatesOutsideZeroToOneAreRejected() {
        RunningSumProblem problem = new RunningSumProblem(new int[] {2, 7});
        assertThrows(IllegalArgumentException.class, () -> problem.sloppySolution(1.0, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> problem.sloppySolution(-0.1, new SplittableRandom(1)));
        assertNotEquals(problem.workedSolution(), "");
    }

    @Test
    void parsingAPromptGivesBackTheSameProblem() {
        RunningSumProblem problem = RunningSumProblem.parse("4+7+9+1=");
        assertEquals("4+7+9+1=", problem.prompt());
        assertEquals(4, problem.termCount());
        assertThrows(IllegalArgumentException.class, () -> RunningSumProblem.parse("4+7+"));
        assertThrows(IllegalArgumentException.class, () -> RunningSumProblem.parse("0+1="));
        assertThrows(IllegalArgumentException.class, () -> RunningSumProblem.parse("4-7="));
        assertThrows(IllegalArgumentException.class, () -> RunningSumProblem.parse("7="));
    }

    @Test
    void eachTasksLongestProblemFillsItsDeclaredTokenBounds() {
        for (BuiltInTask task : BuiltInTask.values()) {
            // Given the task's longest problem
            int[] terms = new int[task.maxTerms()];
            Arrays.fill(terms, 9);
            RunningSumProblem problem = new RunningSumProblem(terms);
            // Then prompt and reference response fill the bounds the model's context is sized from exactly
            assertEquals(task.maxResponseTokens(), TOKENIZER.encodeResponse(problem.workedSolution()).length, task.id());
            assertEquals(task.maxPromptTokens(), TOKENIZER.encodePrompt(problem.prompt()).length, task.id());
            assertEquals(task.contextLength(), task.maxPromptTokens() + task.maxResponseTokens() - 1);
            assertEquals(FinalAnswer.Verdict.CORRECT, FinalAnswer.judge(problem.workedSolution(), problem.answer()));
        }
    }

    @Test
    void theSuccessProbabilityOfAUniformlySlippingTeacherFollowsItsDeviationChain() {
        // Given a 4-term problem and a teacher slipping on 30% of lines
        RunningSumProblem problem = new RunningSumProblem(new int[] {2, 7, 7, 3});
        Teacher teacher = Teacher.uniformSlips(0.3);
        // Then its chance of ending right is the chance that three lines leave the deviation at zero
        double onTrack = 1;
        for (int line = 0; line < 3; line++) {
            onTrack = onTrack * 0.7 + (1 - onTrack) * 0.3 / 9;
        }
        assertEquals(onTrack, problem.successProbability(teacher), 1e-12);
        // And the exact teacher always succeeds, while a wrong digit after the last line means failure
        assertEquals(1.0, problem.successProbability(Teacher.EXACT), 1e-12);
        assertEquals(0.0, problem.successProbability(teacher, (problem.answerDigit() + 1) % 10, 3), 1e-12);
    }

    @Test
    void invalidTermsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[] {5}));
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[RunningSumProblem.MAX_TERMS + 1]));
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[] {-3, 4}));
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[] {3, 0}));
        assertThrows(IllegalArgumentException.class, () -> new RunningSumProblem(new int[] {3, 10}));
    }
}
