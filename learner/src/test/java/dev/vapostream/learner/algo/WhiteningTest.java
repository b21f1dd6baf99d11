package dev.vapostream.learner.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void explainedVarianceIsOneForAPerfectCriticAndZeroForTheMean() {
        float[][] returns = {{1, 1, 1}, {0, 0, 0}};
        int[] lengths = {3, 3};
        assertEquals(1.0, Whitening.explainedVariance(returns, returns, lengths), 1e-9);
        float[][] mean = {{0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}};
        assertEquals(0.0, Whitening.explainedVariance(returns, mean, lengths), 1e-9);
    }
}
