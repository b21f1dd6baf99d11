package dev.vapostream.learner.algo;

/**
 * Hyperparameters and switches of one learner update, validated.
 *
 * @param aggregation      TOKEN (VAPO) or SEQUENCE (vanilla PPO) mean of the policy loss
 * @param epsLow           lower clip: ratio ≥ 1 − epsLow
 * @param epsHigh          upper clip: ratio ≤ 1 + epsHigh (Clip-Higher when > epsLow)
 * @param lmCoefficient    μ of the positive-example LM loss; 0 turns it off
 * @param valueClip        clip range of the critic's update around the recorded values
 * @param actorLr          policy learning rate
 * @param criticLr         critic learning rate (VAPO: higher than the actor's)
 * @param weightDecay      AdamW decoupled weight decay on matrices
 * @param maxGradNorm      global-norm gradient clip, per network
 * @param epochs           policy passes over each batch
 * @param miniBatches      policy mini-batches per pass
 * @param criticEpochs     critic passes over each batch
 * @param criticMiniBatches critic mini-batches per pass
 * @param criticReplay     batches pooled for the critic's rows ({@link CriticReplay}); 1: the newest batch only
 * @param criticRedraw     with a pool, each critic epoch draws new rows from it instead of passing over the step's rows
 *                         again, so every critic mini-batch brings rows it has not just trained on
 * @param whitening        how advantages are normalised over each batch
 * @param seed             shuffling seed
 */
public record UpdateSettings(Aggregation aggregation, float epsLow, float epsHigh, float lmCoefficient, float valueClip,
                             float actorLr, float criticLr, float weightDecay, float maxGradNorm, int epochs,
                             int miniBatches, int criticEpochs, int criticMiniBatches, int criticReplay, boolean criticRedraw,
                             Whitening.Mode whitening,
                             long seed) {

    public UpdateSettings {
        if (aggregation == null) {
            throw new IllegalArgumentException("aggregation must be TOKEN or SEQUENCE");
        }
        if (whitening == null) {
            throw new IllegalArgumentException("whitening must be on, scale or off");
        }
        requireRange("eps-low", epsLow, 0f, 1f);
        requireRange("eps-high", epsHigh, 0f, 10f);
        requireRange("lm-coefficient", lmCoefficient, 0f, 100f);
        requireRange("value-clip", valueClip, 0f, 1000f);
        requirePositive("actor-lr", actorLr);
        requirePositive("critic-lr", criticLr);
        requireRange("weight-decay", weightDecay, 0f, 1f);
        requirePositive("max-grad-norm", maxGradNorm);
        if (epochs < 1 || miniBatches < 1) {
            throw new IllegalArgumentException("epochs and mini-batches must be at least 1, got " + epochs + " and " + miniBatches);
        }
        if (criticEpochs < 1 || criticMiniBatches < 1) {
            throw new IllegalArgumentException("critic-epochs and critic-mini-batches must be at least 1, got "
                + criticEpochs + " and " + criticMiniBatches);
        }
        if (criticReplay < 1) {
            throw new IllegalArgumentException("critic-replay must be at least 1 batch, got " + criticReplay);
        }
        if (criticRedraw && criticReplay == 1) {
            throw new IllegalArgumentException("critic-replay-redraw draws from a replay pool; it needs critic-replay above 1");
        }
    }

    /**
     * VAPO's update: token-level loss, Clip-Higher 0.2/0.28, LM loss μ = 0.1, critic lr above the
     * actor's; the critic takes two passes of four mini-batches per batch; advantages are scaled
     * by the batch's standard deviation without recentring, which beat full whitening on the
     * built-in task (docs/results.md).
     */
    public static UpdateSettings vapo(long seed) {
        return new UpdateSettings(Aggregation.TOKEN, 0.2f, 0.28f, 0.1f, 0.2f, 3e-4f, 1e-3f, 0.0f, 1.0f, 1, 2, 2, 4, 1,
            false, Whitening.Mode.SCALE, seed);
    }

    public UpdateSettings withAggregation(Aggregation a) {
        return new UpdateSettings(a, epsLow, epsHigh, lmCoefficient, valueClip, actorLr, criticLr, weightDecay, maxGradNorm,
            epochs, miniBatches, criticEpochs, criticMiniBatches, criticReplay, criticRedraw, whitening, seed);
    }

    public UpdateSettings withClip(float low, float high) {
        return new UpdateSettings(aggregation, low, high, lmCoefficient, valueClip, actorLr, criticLr, weightDecay, maxGradNorm,
            epochs, miniBatches, criticEpochs, criticMiniBatches, criticReplay, criticRedraw, whitening, seed);
    }

    public UpdateSettings withLmCoefficient(float mu) {
        return new UpdateSettings(aggregation, epsLow, epsHigh, mu, valueClip, actorLr, criticLr, weightDecay, maxGradNorm,
            epochs, miniBatches, criticEpochs, criticMiniBatches, criticReplay, criticRedraw, whitening, seed);
    }

    public UpdateSettings withLearningRates(float actor, float critic) {
        return new UpdateSettings(aggregation, epsLow, epsHigh, lmCoefficient, valueClip, actor, critic, weightDecay,
            maxGradNorm, epochs, miniBatches, criticEpochs, criticMiniBatches, criticReplay, criticRedraw, whitening, seed);
    }

    public UpdateSettings withSchedule(int newEpochs, int newMiniBatches) {
        return new UpdateSettings(aggregation, epsLow, epsHigh, lmCoefficient, valueClip, actorLr, criticLr, weightDecay,
            maxGradNorm, newEpochs, newMiniBatches, criticEpochs, criticMiniBatches, criticReplay, criticRedraw, whitening, seed);
    }

    public UpdateSettings withCriticSchedule(int newEpochs, int newMiniBatches) {
        return new UpdateSettings(aggregation, epsLow, epsHigh, lmCoefficient, valueClip, actorLr, criticLr, weightDecay,
            maxGradNorm, epochs, miniBatches, newEpochs, newMiniBatches, criticReplay, criticRedraw, whitening, seed);
    }

    public UpdateSettings withCriticReplay(int batches) {
        return new UpdateSettings(aggregation, epsLow, epsHigh, lmCoefficient, valueClip, actorLr, criticLr, weightDecay,
            maxGradNorm, epochs, miniBatches, criticEpochs, criticMiniBatches, batches, criticRedraw, whitening, seed);
    }

    public UpdateSettings withCriticRedraw(boolean redraw) {
        return new UpdateSettings(aggregation, epsLow, epsHigh, lmCoefficient, valueClip, actorLr, criticLr, weightDecay,
            maxGradNorm, epochs, miniBatches, criticEpochs, criticMiniBatches, criticReplay, redraw, whitening, seed);
    }

    public UpdateSettings withWhitening(Whitening.Mode mode) {
        return new UpdateSettings(aggregation, epsLow, epsHigh, lmCoefficient, valueClip, actorLr, criticLr, weightDecay,
            maxGradNorm, epochs, miniBatches, criticEpochs, criticMiniBatches, criticReplay, criticRedraw, mode, seed);
    }

    private static void requireRange(String name, float v, float low, float high) {
        if (!(v >= low && v <= high)) {
            throw new IllegalArgumentException(name + " must be in [" + low + ", " + high + "], got " + v);
        }
    }

    private static void requirePositive(String name, float v) {
        if (!(v > 0) || Float.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a positive number, got " + v);
        }
    }
}
