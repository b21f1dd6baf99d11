package dev.vapostream.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BlindSpotTeacherTest {

    private final BlindSpotTeacher teacher = BlindSpotTeacher.standard();

    @Test
    void theStandardTeacherHasTwentySevenBlindSpotsAlwaysTheSameOnes() {
        assertEquals(27, teacher.blindSpotCount());
        assertEquals(teacher, BlindSpotTeacher.standard());
        for (int digit = 0; digit < 10; digit++) {
            assertTrue(!teacher.isBlindSpot(digit, 0), "term 0 never occurs, so it is never blind");
        }
    }

    @Test
    void onABlindSpotItWritesOneMoreNinetyPercentOfTheTimeAndNothingElseWrong() {
        int[] fact = firstBlindSpot();
        int right = (fact[0] + fact[1]) % 10;
        double[] p = teacher.writes(fact[0], fact[1]);
        assertEquals(0.1, p[right], 1e-12);
        assertEquals(0.9, p[(right + 1) % 10], 1e-12);
        assertEquals(1.0, java.util.Arrays.stream(p).sum(), 1e-12);
    }

    @Test
    void elsewhereItSlipsUniformlyTwoPercentOfTheTime() {
        int[] fact = firstKnownFact();
        int right = (fact[0] + fact[1]) % 10;
        double[] p = teacher.writes(fact[0], fact[1]);
        assertEquals(0.98, p[right], 1e-12);
        for (int d = 0; d < 10; d++) {
            if (d != right) {
                assertEquals(0.02 / 9, p[d], 1e-12);
            }
        }
    }

    @Test
    void sampledDigitsFollowTheDistribution() {
        // Given 20 000 draws on a blind spot
        int[] fact = firstBlindSpot();
        int right = (fact[0] + fact[1]) % 10;
        SplittableRandom random = new SplittableRandom(2);
        int oneMore = 0;
        for (int i = 0; i < 20_000; i++) {
            oneMore += teacher.write(fact[0], fact[1], random) == (right + 1) % 10 ? 1 : 0;
        }
        // Then about 90% are the misconception (4 standard errors: 0.0085)
        assertEquals(0.9, oneMore / 20_000.0, 0.0085);
    }

    @Test
    void aProblemWhoseChainMeetsNoBlindSpotIsEasyAndOneThatMeetsThreeIsHard() {
        RunningSumProblem easy = chainWithBlindSpots(0);
        RunningSumProblem hard = chainWithBlindSpots(3);
        assertTrue(easy.successProbability(teacher) > 0.9, "easy " + easy.prompt());
        assertTrue(hard.successProbability(teacher) < BuiltInTask.HARD_BELOW, "hard " + hard.prompt());
        assertTrue(BuiltInTask.BLIND_SPOTS.isHard(hard));
    }

    @Test
    void ratesOutsideZeroToOneAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> teacher.withSlipRate(1.0));
        assertThrows(IllegalArgumentException.class, () -> new BlindSpotTeacher(new boolean[10][10], -0.1, 0.0));
    }

    private int[] firstBlindSpot() {
        for (int d = 0; d < 10; d++) {
            for (int t = 1; t <= 9; t++) {
                if (teacher.isBlindSpot(d, t)) {
                    return new int[] {d, t};
                }
            }
        }
        throw new AssertionError("no blind spot");
    }

    private int[] firstKnownFact() {
        for (int d = 0; d < 10; d++) {
            for (int t = 1; t <= 9; t++) {
                if (!teacher.isBlindSpot(d, t)) {
                    return new int[] {d, t};
                }
            }
        }
        throw new AssertionError("no known fact");
    }

    /** A 5-term problem whose reference chain meets exactly {@code blind} blind spots. */
    private RunningSumProblem chainWithBlindSpots(int blind) {
        for (int code = 0; code < 59_049; code++) {
            int[] terms = new int[5];
            for (int i = 0, rest = code; i < terms.length; i++, rest /= 9) {
                terms[i] = 1 + rest % 9;
            }
            int met = 0;
            int digit = terms[0];
            for (int i = 1; i < terms.length; i++) {
                met += teacher.isBlindSpot(digit, terms[i]) ? 1 : 0;
                digit = (digit + terms[i]) % 10;
            }
            if (met == blind) {
                return new RunningSumProblem(terms);
            }
        }
        throw new AssertionError("no chain meets " + blind + " blind spots");
    }
}
