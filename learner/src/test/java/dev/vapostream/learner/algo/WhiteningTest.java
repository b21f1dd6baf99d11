package dev.vapostream.learner.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WhiteningTest {

    @Test
    void whitensOnlyRealTokensToZeroMeanUnitVariance() {
        float[][] a = {{1, 2, 99}, {3, 4, 5}};
        int[] lengths = {2, 3};
        double[] before = Whitening.whiten(a, lengths);
        assertEquals(3.0, before[0], 1e-9);
        assertEquals(99f, a[0][2], "padding beyond the length is left alone");
        double sum = 0;
        double squares = 0;
        for (float x : new float[] {a[0][0], a[0][1], a[1][0], a[1][1], a[1][2]}) {
            sum += x;
            squares += x * x;
        }
        assertEquals(0, sum / 5, 1e-6);
        assertEquals(1, squares / 5, 1e-5);
    }

    @Test
    void scaleDividesByTheStandardDeviationWithoutRecentringSoZerosStayZero() {
        // Given a batch whose advantages are mostly zero
        float[][] a = {{0, 0, 0, 2}, {0, -2, 0, 0}};
        int[] lengths = {4, 4};
        // When scaled (std of the eight values is 1)
        double[] before = Whitening.apply(Whitening.Mode.SCALE, a, lengths);
        // Then zeros stay zero and the rest keep their sign, divided by the std
        assertEquals(1.0, before[1], 1e-9);
        assertEquals(0f, a[0][0]);
        assertEquals(2f, a[0][3], 1e-6f);
        assertEquals(-2f, a[1][1], 1e-6f);
        // And ON recentres (the batch mean 0.5 is subtracted, std sqrt(0.75)), OFF leaves the values alone
        float[][] b = {{0, 0, 0, 2}};
        Whitening.apply(Whitening.Mode.ON, b, new int[] {4});
        assertEquals(-0.5 / Math.sqrt(0.75), b[0][0], 1e-6);
        float[][] c = {{0, 0, 0, 2}};
        Whitening.apply(Whitening.Mode.OFF, c, new int[] {4});
        assertEquals(2f, c[0][3]);
    }

    @Test
    void explainedVarianceOverSomeRowsIgnoresTheOthers() {
        float[][] returns = {{1, 1}, {0, 0}, {1, 0}};
        float[][] values = {{1, 1}, {0, 0}, {0, 1}};
        int[] lengths = {2, 2, 2};
        assertEquals(1.0, Whitening.explainedVariance(returns, values, lengths, new boolean[] {true, true, false}), 1e-9);
        assertTrue(Whitening.explainedVariance(returns, values, lengths) < 1.0);
        assertTrue(Double.isNaN(Whitening.explainedVariance(returns, values, lengths, new boolean[] {false, true, false})),
            "returns that never vary leave explained variance undefined");
    }

    @Test
    void explainedVarianceIsOneForAPerfectCriticAndZeroForTheMean() {
        float[][] returns = {{1, 1, 1}, {0, 0, 0}};
        int[] lengths = {3, 3};
        assertEquals(1.0, Whitening.explainedVariance(returns, returns, lengths), 1e-9);
        float[][] mean = {{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
        assertEquals(0.0, Whitening.explainedVariance(returns, mean, lengths), 1e-9);
    }
}
