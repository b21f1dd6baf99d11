package dev.vapostream.learner.algo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LossesTest {
    private static final float TOL = 1e-5f;
    private NDManager m;

    @BeforeEach
    void open() {
        m = NDManager.newBaseManager();
    }

    @AfterEach
    void close() {
        m.close();
    }

    @Test
    void clipHigherLetsAPositiveAdvantageRatioGrowTo1Point28AndKeepsTheFullPenaltyForNegativeOnes() {
        // Given ratios 1, 2 and 1.8 with advantages +1, +1, −1
        NDArray logProbs = m.create(new float[] {log(0.5), log(0.2), log(0.9)}, new Shape(1, 3));
        NDArray old = m.create(new float[] {log(0.5), log(0.1), log(0.5)}, new Shape(1, 3));
        NDArray advantages = m.create(new float[] {1, 1, -1}, new Shape(1, 3));

        // When the clipped loss is taken with ε = [0.2, 0.28]
        PolicyLoss.Result r = PolicyLoss.clipped(m, logProbs, old, advantages, ones(1, 3), ones(1, 3), 0.2f, 0.28f,
            Aggregation.TOKEN);

        // Then token 1 is held at 1.28, token 2 keeps its unclipped −1.8: mean of (−1, −1.28, +1.8)
        assertEquals((-1 - 1.28 + 1.8) / 3, r.loss().getFloat(), TOL);
        assertEquals(1.0 / 3, r.clipFractionHigh(), 1e-9);
        assertEquals(0.0, r.clipFractionLow(), 1e-9);
        // And symmetric clipping at 0.2 holds token 1 at 1.2 instead
        PolicyLoss.Result symmetric = PolicyLoss.clipped(m, logProbs, old, advantages, ones(1, 3), ones(1, 3), 0.2f, 0.2f,
            Aggregation.TOKEN);
        assertEquals((-1 - 1.2 + 1.8) / 3, symmetric.loss().getFloat(), TOL);
    }

    @Test
    void ratioBelowTheLowerBoundWithNegativeAdvantageIsCountedAsLowClip() {
        NDArray logProbs = m.create(new float[] {log(0.1)}, new Shape(1, 1));
        NDArray old = m.create(new float[] {log(0.5)}, new Shape(1, 1));
        PolicyLoss.Result r = PolicyLoss.clipped(m, logProbs, old, m.create(new float[] {-1}, new Shape(1, 1)),
            ones(1, 1), ones(1, 1), 0.2f, 0.28f, Aggregation.TOKEN);
        // −min(0.2·(−1), 0.8·(−1)) = 0.8
        assertEquals(0.8f, r.loss().getFloat(), TOL);
        assertEquals(1.0, r.clipFractionLow(), 1e-9);
        // KL estimate for r = 0.2: (0.2 − 1) − ln 0.2
        assertEquals(-0.8 - Math.log(0.2), r.approxKl(), 1e-5);
    }

    @Test
    void tokenLevelAggregationWeighsALongResponseByItsLengthSequenceLevelDoesNot() {
        // Given a 1-token response with A = 2 and a 3-token response with A = 1, ratios all 1
        float[] mask = {1, 0, 0, 1, 1, 1};
        float[] adv = {2, 0, 0, 1, 1, 1};

        // When the loss is taken both ways
        float[] tokenGrad = new float[6];
        float tokenLoss = lossAndGradient(adv, mask, Aggregation.TOKEN, tokenGrad);
        float[] seqGrad = new float[6];
        float seqLoss = lossAndGradient(adv, mask, Aggregation.SEQUENCE, seqGrad);

        // Then token-level averages over 4 tokens, sequence-level over 2 responses
        assertEquals(-(2 + 3) / 4f, tokenLoss, TOL);
        assertEquals(-(2 + 1) / 2f, seqLoss, TOL);
        // And each token of the long response gets 1/4 of the gradient token-level, 1/6 sequence-level
        assertArrayEquals(new float[] {-0.5f, 0, 0, -0.25f, -0.25f, -0.25f}, tokenGrad, TOL);
        assertArrayEquals(new float[] {-1f, 0, 0, -1f / 6, -1f / 6, -1f / 6}, seqGrad, TOL);
    }

    @Test
    void positiveExampleLmLossTouchesOnlyRewardOneResponses() {
        // Given a rewarded and an unrewarded response
        NDArray logProbs = m.create(new float[] {log(0.5), log(0.25), log(0.1), log(0.1)}, new Shape(2, 2));
        logProbs.setRequiresGradient(true);
        NDArray mask = ones(2, 2);
        float loss;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray l = LmLoss.positiveExamples(m, logProbs, mask, new boolean[] {true, false});
            collector.backward(l);
            loss = l.getFloat();
        }
        // Then the loss is the mean NLL of the rewarded tokens and the other row gets no gradient
        assertEquals(-(Math.log(0.5) + Math.log(0.25)) / 2, loss, TOL);
        assertArrayEquals(new float[] {-0.5f, -0.5f, 0f, 0f}, logProbs.getGradient().toFloatArray(), TOL);
        // And with no rewarded response there is nothing to imitate
        assertEquals(0f, LmLoss.positiveExamples(m, logProbs, mask, new boolean[] {false, false}).getFloat());
    }

    @Test
    void valueLossTakesTheWorseOfPlainAndClippedErrors() {
        NDArray mask = ones(1, 2);
        NDArray values = m.create(new float[] {0.5f, 0.9f}, new Shape(1, 2));
        NDArray old = m.create(new float[] {0.0f, 1.0f}, new Shape(1, 2));
        NDArray returns = m.create(new float[] {1f, 1f}, new Shape(1, 2));
        // token 0: plain (0.5−1)² = 0.25, clipped V = 0.2 → 0.64; token 1: within the clip, 0.01
        float loss = ValueLoss.clipped(m, values, old, returns, mask, 0.2f).getFloat();
        assertEquals(0.5 * (0.64 + 0.01) / 2, loss, TOL);
    }

    private float lossAndGradient(float[] advantages, float[] mask, Aggregation aggregation, float[] gradient) {
        try (NDManager step = m.newSubManager()) {
            NDArray logProbs = step.create(new float[] {log(0.5), 0, 0, log(0.5), log(0.5), log(0.5)}, new Shape(2, 3));
            logProbs.setRequiresGradient(true);
            NDArray old = logProbs.duplicate();
            old.setRequiresGradient(false);
            NDArray a = step.create(advantages, new Shape(2, 3));
            NDArray msk = step.create(mask, new Shape(2, 3));
            float value;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = PolicyLoss.clipped(step, logProbs, old.stopGradient(), a, msk, msk, 0.2f, 0.28f,
                    aggregation).loss();
                collector.backward(loss);
                value = loss.getFloat();
            }
            // d(−r·A)/d log π = −r·A at r = 1, scaled by the aggregation weight
            System.arraycopy(logProbs.getGradient().toFloatArray(), 0, gradient, 0, 6);
            return value;
        }
    }

    private NDArray ones(int b, int r) {
        return m.ones(new Shape(b, r));
    }

    private static float log(double p) {
        return (float) Math.log(p);
    }
}
