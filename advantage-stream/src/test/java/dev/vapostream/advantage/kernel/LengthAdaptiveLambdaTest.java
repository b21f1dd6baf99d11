package dev.vapostream.advantage.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LengthAdaptiveLambdaTest {

    @Test
    void followsOneMinusOneOverAlphaLength() {
        assertEquals(0.5, LengthAdaptiveLambda.of(0.05, 40), 1e-12);
        assertEquals(0.8, LengthAdaptiveLambda.of(0.05, 100), 1e-12);
        assertEquals(0.99, LengthAdaptiveLambda.of(0.05, 2000), 1e-12);
    }

    @Test
    void clampsToZeroWhereTheFormulaIsNotPositive() {
        // α·l ≤ 1 for l ≤ 20 at α = 0.05: the raw formula gives 0 at l = 20 and negative values below
        assertEquals(0.0, LengthAdaptiveLambda.of(0.05, 20));
        assertEquals(0.0, LengthAdaptiveLambda.of(0.05, 10));
        assertEquals(0.0, LengthAdaptiveLambda.of(0.05, 1));
        assertTrue(LengthAdaptiveLambda.of(0.05, 21) > 0);
    }

    @Test
    void staysBelowOneAndGrowsWithLength() {
        double previous = -1;
        for (int length = 1; length <= 100_000; length *= 3) {
            double lambda = LengthAdaptiveLambda.of(0.05, length);
            assertTrue(lambda >= previous && lambda < 1.0, "length " + length + " gave " + lambda);
            previous = lambda;
        }
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> LengthAdaptiveLambda.of(0.0, 10));
        assertThrows(IllegalArgumentException.class, () -> LengthAdaptiveLambda.of(Double.NaN, 10));
        assertThrows(IllegalArgumentException.class, () -> LengthAdaptiveLambda.of(0.05, 0));
    }
}
