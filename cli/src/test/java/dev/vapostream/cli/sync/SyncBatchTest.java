package dev.vapostream.cli.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.learner.algo.Whitening;
import org.junit.jupiter.api.Test;

class SyncBatchTest {
    private static final int[] PROMPT = {1, 4, 5};

    private static SyncBatch.Group group(boolean first, boolean second, boolean hard) {
        return new SyncBatch.Group(PROMPT, List.of(new int[] {3, 2}, new int[] {4, 5, 2}),
            List.of(new float[] {-0.1f, -0.2f}, new float[] {-0.3f, -0.4f, -0.5f}), new boolean[] {first, second},
            List.of(new float[] {0.5f, 0.25f}, new float[] {0.5f, 0.5f, 0.5f}), hard);
    }

    @Test
    void dynamicSamplingDropsAllEqualGroupsAndKeepsTheRest() {
        // Given a mixed group between an all-wrong and an all-right one
        List<SyncBatch.Group> groups = List.of(group(false, false, true), group(true, false, false), group(true, true, false));

        // When the batch is built with dynamic sampling
        SyncBatch.Built built = SyncBatch.build(groups, EstimatorSettings.vapo(), true, Whitening.Mode.OFF);

        // Then only the mixed group's two responses remain, judged as they were
        assertEquals(1, built.kept());
        assertEquals(2, built.filtered());
        assertEquals(2, built.batch().size());
        assertArrayEquals(new double[] {1, 0}, built.batch().rewards());
        assertArrayEquals(new boolean[] {true, false}, built.batch().positive());
        assertEquals(5, built.tokens());
    }

    @Test
    void withoutDynamicSamplingEveryGroupTrainsAndNoneLeftIsNull() {
        List<SyncBatch.Group> groups = List.of(group(false, false, true), group(true, true, false));

        assertEquals(4, SyncBatch.build(groups, EstimatorSettings.vapo(), false, Whitening.Mode.OFF).batch().size());
        assertNull(SyncBatch.build(groups, EstimatorSettings.vapo(), true, Whitening.Mode.OFF).batch());
    }

    @Test
    void advantagesAreTheStagesGaeWithTheResponsesLambdaAndReturnsTheMonteCarloReturn() {
        // Given VAPO with alpha 1: lambda = 1 - 1/l, 0.5 for the 2-token response
        EstimatorSettings vapo = new EstimatorSettings(EstimatorSettings.vapo().estimator(), 1.0, 1.0, Double.NaN, 1.0);

        // When the mixed group is built without whitening
        TrainingBatch batch = SyncBatch.build(List.of(group(true, false, false)), vapo, false, Whitening.Mode.OFF).batch();

        // Then the last token's advantage is r - V and the first adds lambda times it to the TD error
        float last = 1f - 0.25f;
        assertArrayEquals(new float[] {(0.25f - 0.5f) + 0.5f * last, last}, batch.advantages()[0], 1e-6f);
        assertArrayEquals(new float[] {1f, 1f}, batch.returns()[0], 1e-6f);
        assertArrayEquals(new float[] {0f, 0f, 0f}, batch.returns()[1], 1e-6f);
        assertArrayEquals(new float[] {0.5f, 0.25f}, batch.oldValues()[0]);
    }

    @Test
    void scaleWhiteningDividesByTheTokenStandardDeviationWithoutRecentring() {
        SyncBatch.Built raw = SyncBatch.build(List.of(group(true, false, false)), EstimatorSettings.vapo(), false,
            Whitening.Mode.OFF);
        SyncBatch.Built scaled = SyncBatch.build(List.of(group(true, false, false)), EstimatorSettings.vapo(), false,
            Whitening.Mode.SCALE);

        float[][] expected = {raw.batch().advantages()[0].clone(), raw.batch().advantages()[1].clone()};
        double std = Whitening.apply(Whitening.Mode.SCALE, expected, raw.batch().lengths())[1];
        assertArrayEquals(expected[0], scaled.batch().advantages()[0], 1e-6f);
        assertArrayEquals(expected[1], scaled.batch().advantages()[1], 1e-6f);
        assertEquals(raw.batch().advantages()[0][1] / (std + 1e-8), scaled.batch().advantages()[0][1], 1e-5);
    }
}
