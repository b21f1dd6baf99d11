package dev.vapostream.advantage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import dev.vapostream.schemas.avro.AdvantageEstimator;
import org.junit.jupiter.api.Test;

class AdvantageComputerTest {

    @Test
    void vapoUsesLengthAdaptiveLambdaForAdvantagesAndLambdaOneForReturns() {
        // Given a short (10-token) and a long (100-token) response, both correct, with constant values 0.5
        float[] shortValues = filled(10, 0.5f);
        float[] longValues = filled(100, 0.5f);

        // When VAPO computes their signals
        List<ResponseSignals> signals = AdvantageComputer.compute(EstimatorSettings.vapo(), new double[] {1, 1},
            new int[] {10, 100}, List.of(shortValues, longValues));

        // Then the short one uses λ = 0 (clamped): only its last token sees the reward
        ResponseSignals shortOne = signals.get(0);
        assertEquals(0.0, shortOne.lambdaPolicy());
        assertEquals(0.0f, shortOne.advantages()[0], 1e-6f);
        assertEquals(0.5f, shortOne.advantages()[9], 1e-6f);
        // And the long one uses λ = 0.8, so early tokens get 0.8^k of the terminal surprise
        ResponseSignals longOne = signals.get(1);
        assertEquals(0.8, longOne.lambdaPolicy(), 1e-12);
        assertEquals(0.5 * Math.pow(0.8, 99), longOne.advantages()[0], 1e-6);
        // And both regress the critic to the Monte-Carlo return R = 1 (λ_critic = 1)
        assertArrayEquals(filled(10, 1f), shortOne.returns(), 1e-6f);
        assertArrayEquals(filled(100, 1f), longOne.returns(), 1e-6f);
    }

    @Test
    void theRecordedSettingsNameOnlyTheLambdaAnEstimatorUses() {
        // VAPO's λ is per response (recorded with each response), so its settings carry no fixed λ
        assertTrue(Double.isNaN(EstimatorSettings.vapo().toRecord().getLambdaPolicy()));
        assertTrue(Double.isNaN(EstimatorSettings.grpo().toRecord().getLambdaPolicy()));
        assertEquals(0.95, EstimatorSettings.decoupled().toRecord().getLambdaPolicy());
        assertTrue(EstimatorSettings.vapo().describePolicyLambda().contains("per response"));
        // And a fixed λ given to an estimator that has none is refused, naming what it uses instead
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> new EstimatorSettings(AdvantageEstimator.VAPO, 1.0, 1.0, 0.9, 1.0));
        assertTrue(e.getMessage().contains("--alpha"), e.getMessage());
    }

    @Test
    void fixedLambdaUsesTheSameLambdaForReturns() {
        EstimatorSettings ppo = EstimatorSettings.ppo();
        assertEquals(AdvantageEstimator.FIXED_LAMBDA_GAE, ppo.estimator());
        List<ResponseSignals> s = AdvantageComputer.compute(ppo, new double[] {1}, new int[] {3}, List.of(filled(3, 0.5f)));
        for (int t = 0; t < 3; t++) {
            assertEquals(s.get(0).advantages()[t] + 0.5f, s.get(0).returns()[t], 1e-6f);
        }
    }

    @Test
    void grpoGivesEveryTokenItsResponsesGroupScoreAndNeedsNoValues() {
        List<ResponseSignals> s = AdvantageComputer.compute(EstimatorSettings.grpo(), new double[] {1, 0},
            new int[] {2, 3}, null);
        float z = (float) (0.5 / Math.sqrt(0.5));
        assertArrayEquals(new float[] {z, z}, s.get(0).advantages(), 1e-5f);
        assertArrayEquals(new float[] {-z, -z, -z}, s.get(1).advantages(), 1e-5f);
        assertArrayEquals(new float[] {0, 0, 0}, s.get(1).values(), 0f);
    }

    @Test
    void aGroupEstimatorRefusesAGroupOfOneResponseInsteadOfGivingItZeroAdvantages() {
        for (EstimatorSettings settings : List.of(EstimatorSettings.grpo(), EstimatorSettings.drGrpo())) {
            // Given one response to a prompt, right
            // When a critic-free estimator values it
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AdvantageComputer.compute(settings, new double[] {1}, new int[] {4}, null));
            // Then it is refused with what to change
            assertTrue(e.getMessage().startsWith("estimator " + settings.estimator() + " compares the responses to one"
                + " prompt, and this group has 1"), e.getMessage());
        }
        // And an estimator with a critic values a group of one
        assertEquals(1, AdvantageComputer.compute(EstimatorSettings.vapo(), new double[] {1}, new int[] {4},
            List.of(filled(4, 0.5f))).size());
    }

    @Test
    void mismatchedValueCountsAreRejectedWithTheResponseNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AdvantageComputer.compute(
            EstimatorSettings.vapo(), new double[] {1, 0}, new int[] {3, 4}, List.of(filled(3, 0f), filled(5, 0f))));
        assertEquals("response 1 has 4 tokens but 5 values", e.getMessage());
    }

    @Test
    void settingsOutsideTheirRangesAreRejected() {
        assertThrows(IllegalArgumentException.class,
            () -> new EstimatorSettings(AdvantageEstimator.VAPO, 1.0, 1.2, Double.NaN, 0.05));
        assertThrows(IllegalArgumentException.class,
            () -> new EstimatorSettings(AdvantageEstimator.UNKNOWN, 1.0, 1.0, 0.95, 0.05));
        assertThrows(IllegalArgumentException.class,
            () -> new EstimatorSettings(AdvantageEstimator.VAPO, 0.0, 1.0, Double.NaN, 0.05));
        assertThrows(IllegalArgumentException.class,
            () -> new EstimatorSettings(AdvantageEstimator.DECOUPLED_GAE, 1.0, 1.0, 1.5, 0.05));
    }

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }
}
