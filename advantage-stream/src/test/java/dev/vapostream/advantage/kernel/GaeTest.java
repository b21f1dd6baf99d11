package dev.vapostream.advantage.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class GaeTest {
    private static final float EXACT = 1e-6f;

    @Test
    void handComputedCaseWithGammaOneAndLambdaHalf() {
        // Given V = [0.5, 0.25, 0.75] and reward 1 on the last token
        float[] values = {0.5f, 0.25f, 0.75f};
        float[] out = new float[3];

        // When GAE runs with γ = 1, λ = 0.5
        Gae.terminalReward(1f, values, 3, 1.0, 0.5, out);

        // Then A2 = 1 − 0.75; A1 = (0.75 − 0.25) + 0.5·A2; A0 = (0.25 − 0.5) + 0.5·A1
        assertArrayEquals(new float[] {0.0625f, 0.625f, 0.25f}, out, EXACT);
    }

    @Test
    void handComputedCaseWithDiscount() {
        float[] values = {0.5f, 0.25f, 0.75f};
        float[] out = new float[3];
        Gae.terminalReward(1f, values, 3, 0.9, 0.5, out);
        // A2 = 0.25; δ1 = 0.9·0.75 − 0.25 = 0.425, A1 = 0.425 + 0.45·0.25; δ0 = 0.9·0.25 − 0.5, A0 = δ0 + 0.45·A1
        assertArrayEquals(new float[] {-0.033125f, 0.5375f, 0.25f}, out, EXACT);
    }

    @Test
    void lambdaOneGammaOneGivesRewardMinusValue() {
        SplittableRandom random = new SplittableRandom(1);
        for (int trial = 0; trial < 200; trial++) {
            int length = 1 + random.nextInt(300);
            float[] values = randomValues(random, length);
            float reward = random.nextBoolean() ? 1f : 0f;
            float[] out = new float[length];

            Gae.terminalReward(reward, values, length, 1.0, 1.0, out);

            for (int t = 0; t < length; t++) {
                assertEquals(reward - values[t], out[t], 1e-5, "t=" + t + " of " + length);
            }
        }
    }

    @Test
    void lambdaZeroGivesTheOneStepTdResidual() {
        SplittableRandom random = new SplittableRandom(2);
        for (int trial = 0; trial < 200; trial++) {
            int length = 1 + random.nextInt(300);
            float[] values = randomValues(random, length);
            float[] rewards = randomValues(random, length);
            double gamma = 0.5 + random.nextDouble() * 0.5;
            float[] out = new float[length];

            Gae.perTokenRewards(rewards, values, length, gamma, 0.0, out);

            for (int t = 0; t < length; t++) {
                double next = t + 1 < length ? values[t + 1] : 0.0;
                assertEquals(rewards[t] + gamma * next - values[t], out[t], 1e-5, "t=" + t);
            }
        }
    }

    @Test
    void returnsEqualAdvantagesPlusValuesAndMatchDiscountedRewardToGoAtLambdaOne() {
        SplittableRandom random = new SplittableRandom(3);
        for (int trial = 0; trial < 100; trial++) {
            int length = 1 + random.nextInt(200);
            float[] values = randomValues(random, length);
            double gamma = 0.8 + random.nextDouble() * 0.2;
            float[] advantages = new float[length];
            float[] returns = new float[length];

            Gae.terminalReward(1f, values, length, gamma, 1.0, advantages);
            Gae.returns(advantages, values, length, returns);

            for (int t = 0; t < length; t++) {
                assertEquals(advantages[t] + values[t], returns[t], 0f);
                // With λ = 1 the value target is the Monte-Carlo return γ^(l−1−t)·R, whatever V is.
                assertEquals(Math.pow(gamma, length - 1 - t), returns[t], 1e-4, "t=" + t);
            }
        }
    }

    @Test
    void terminalRewardAgreesWithTheGeneralPerTokenForm() {
        SplittableRandom random = new SplittableRandom(4);
        for (int trial = 0; trial < 100; trial++) {
            int length = 1 + random.nextInt(200);
            float[] values = randomValues(random, length);
            float[] rewards = new float[length];
            rewards[length - 1] = 1f;
            double lambda = random.nextDouble();
            float[] fast = new float[length];
            float[] general = new float[length];

            Gae.terminalReward(1f, values, length, 1.0, lambda, fast);
            Gae.perTokenRewards(rewards, values, length, 1.0, lambda, general);

            assertArrayEquals(general, fast, 1e-5f);
        }
    }

    @Test
    void emptyResponseWritesNothingAndShortArraysAreRejected() {
        float[] out = {42f};
        Gae.terminalReward(1f, new float[0], 0, 1.0, 1.0, out);
        assertEquals(42f, out[0]);
        assertThrows(IllegalArgumentException.class, () -> Gae.terminalReward(1f, new float[2], 3, 1.0, 1.0, new float[3]));
        assertThrows(IllegalArgumentException.class, () -> Gae.terminalReward(1f, new float[3], 3, 1.0, 1.0, new float[2]));
    }

    private static float[] randomValues(SplittableRandom random, int length) {
        float[] v = new float[length];
        for (int i = 0; i < length; i++) {
            v[i] = (float) random.nextDouble(-1, 1);
        }
        return v;
    }
}
