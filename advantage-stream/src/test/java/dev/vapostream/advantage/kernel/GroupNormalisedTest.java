package dev.vapostream.advantage.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class GroupNormalisedTest {

    @Test
    void grpoStandardisesWithTheSampleStandardDeviation() {
        // mean 0.5, sample std sqrt(4·0.25/3) = 0.57735
        double[] a = GroupNormalised.grpo(new double[] {1, 0, 0, 1});
        double z = 0.5 / Math.sqrt(1.0 / 3.0);
        assertArrayEquals(new double[] {z, -z, -z, z}, a, 1e-5);
    }

    @Test
    void uniformGroupsGetZeroAdvantageNotNaN() {
        assertArrayEquals(new double[] {0, 0, 0}, GroupNormalised.grpo(new double[] {1, 1, 1}), 0);
        assertArrayEquals(new double[] {0}, GroupNormalised.grpo(new double[] {1}), 0);
    }

    @Test
    void drGrpoOnlySubtractsTheMean() {
        assertArrayEquals(new double[] {0.75, -0.25, -0.25, -0.25}, GroupNormalised.drGrpo(new double[] {1, 0, 0, 0}), 1e-12);
    }

    @Test
    void emptyGroupIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> GroupNormalised.grpo(new double[0]));
    }
}
