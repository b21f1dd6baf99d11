package dev.vapostream.model.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class TokenChooserTest {

    private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f, -3.0f};
    /** Rows sampled at once; the frequency of a token has a standard error of at most 0.0035. */
    private static final int SAMPLES = 20_000;
    /** About 4 standard errors: a wrong distribution (e.g. T ignored) misses by far more. */
    private static final double FREQUENCY_TOLERANCE = 0.014;

    @Test
    void sampleFrequenciesMatchSoftmaxOfLogitsOverTemperature() {
        // Given identical logits in every row and temperature 0.7
        double[] frequencies = frequencies(new SamplingSettings(0.7f, 1f, 1), 5L);
        // When compared with softmax(logits / 0.7)
        double[] expected = softmax(LOGITS, 0.7, LOGITS.length);
        // Then every token's frequency is within the tolerance
        assertWithin(expected, frequencies);
    }

    @Test
    void topPSamplesOnlyTheNucleusRenormalised() {
        // Given T = 1: probabilities are 0.574, 0.211, 0.128, 0.078, 0.029, 0.004, so the
        // smallest set reaching mass 0.75 is the first two tokens (0.574 < 0.75 <= 0.785)
        double[] frequencies = frequencies(new SamplingSettings(1f, 0.75f, 1), 6L);
        double[] expected = softmax(LOGITS, 1.0, 2);
        assertWithin(expected, frequencies);
        assertEquals(0.0, frequencies[2] + frequencies[3] + frequencies[4] + frequencies[5]);
    }

    @Test
    void topPJustAboveATwoTokenMassAlsoKeepsTheThirdToken() {
        // Given top-p 0.8 > 0.785 (mass of two tokens), Then the nucleus has three tokens
        double[] frequencies = frequencies(new SamplingSettings(1f, 0.8f, 1), 7L);
        assertWithin(softmax(LOGITS, 1.0, 3), frequencies);
    }

    @Test
    void greedyPicksArgmaxAndLogProbsAreAtTemperatureOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(new float[] {0f, 3f, 1f, -2f, 0f, 0f}, new Shape(1, 6));
            TokenChooser.Choice choice = new TokenChooser(new SamplingSettings(0f, 1f, 1), 1L).choose(logits);
            assertArrayEquals(new int[] {1}, choice.tokens());
            double expectedLogProb = Math.log(softmax(new float[] {0f, 3f, 1f, -2f, 0f, 0f}, 1.0, 6)[1]);
            assertEquals(expectedLogProb, choice.logProbs()[0], 1e-5);
        }
    }

    @Test
    void logProbOfASampledTokenIgnoresTemperatureAndTopP() {
        // Given a low temperature and a nucleus, When tokens are sampled
        try (NDManager manager = NDManager.newBaseManager()) {
            TokenChooser.Choice choice = new TokenChooser(new SamplingSettings(0.3f, 0.9f, 1), 2L)
                    .choose(repeatedLogits(manager, 50));
            // Then each reported log-prob is log softmax(logits) at temperature 1 of that token
            double[] probabilities = softmax(LOGITS, 1.0, LOGITS.length);
            for (int row = 0; row < 50; row++) {
                assertEquals(Math.log(probabilities[choice.tokens()[row]]), choice.logProbs()[row], 1e-5);
            }
        }
    }

    private static double[] frequencies(SamplingSettings settings, long seed) {
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] tokens = new TokenChooser(settings, seed).choose(repeatedLogits(manager, SAMPLES)).tokens();
            double[] frequencies = new double[LOGITS.length];
            for (int token : tokens) {
                frequencies[token] += 1.0 / SAMPLES;
            }
            return frequencies;
        }
    }

    private static NDArray repeatedLogits(NDManager manager, int rows) {
        float[] values = new float[rows * LOGITS.length];
        for (int row = 0; row < rows; row++) {
            System.arraycopy(LOGITS, 0, values, row * LOGITS.length, LOGITS.length);
        }
        return manager.create(values, new Shape(rows, LOGITS.length));
    }

    /** softmax(logits / temperature) over the first {@code kept} tokens, 0 for the rest. */
    private static double[] softmax(float[] logits, double temperature, int kept) {
        double[] probabilities = new double[logits.length];
        double total = 0;
        for (int i = 0; i < kept; i++) {
            probabilities[i] = Math.exp(logits[i] / temperature);
            total += probabilities[i];
        }
        for (int i = 0; i < kept; i++) {
            probabilities[i] /= total;
        }
        return probabilities;
    }

    private static void assertWithin(double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= FREQUENCY_TOLERANCE,
                    "token " + i + ": expected " + expected[i] + ", sampled " + actual[i]);
        }
    }
}
