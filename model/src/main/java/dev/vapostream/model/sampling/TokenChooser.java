package dev.vapostream.model.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.vapostream.model.nn.Scalars;
import java.util.SplittableRandom;

/**
 * Picks one next token per row from logits (B, V) with the Gumbel-max trick: argmax of
 * logits / T + Gumbel noise is an exact sample from softmax(logits / T). The engine has no
 * multinomial op, and drawing the noise from a seeded Java generator makes sampling
 * reproducible independently of the engine's global random state.
 */
public final class TokenChooser {

    /** Added to the scaled logits of tokens outside the nucleus; exp of it is exactly 0. */
    private static final float EXCLUDED = -1e9f;

    private final SamplingSettings settings;
    private final SplittableRandom random;

    public TokenChooser(SamplingSettings settings, long seed) {
        this.settings = settings;
        this.random = new SplittableRandom(seed);
    }

    /** The chosen tokens and their temperature-1 log-probabilities. */
    public record Choice(int[] tokens, float[] logProbs) {
    }

    public Choice choose(NDArray logits) {
        NDManager manager = logits.getManager();
        NDArray chosen = settings.greedy() ? logits.argMax(-1) : sample(manager, logits);
        NDArray tokenColumn = chosen.toType(DataType.INT64, false).reshape(-1, 1);
        NDArray logProbs = logits.logSoftmax(-1).gather(tokenColumn, 1).reshape(-1);
        return new Choice(toInts(tokenColumn.toLongArray()), logProbs.toFloatArray());
    }

    private NDArray sample(NDManager manager, NDArray logits) {
        NDArray scaled = logits.div(Scalars.of(manager, settings.temperature()));
        if (settings.topP() < 1f) {
            scaled = scaled.add(nucleusPenalty(manager, scaled));
        }
        return scaled.add(gumbelNoise(manager, logits.getShape())).argMax(-1);
    }

    /** 0 for tokens inside the nucleus, EXCLUDED outside it. */
    private NDArray nucleusPenalty(NDManager manager, NDArray scaled) {
        NDArray probs = scaled.softmax(-1);
        NDArray descending = probs.neg().sort(-1).neg();
        NDArray massBefore = descending.cumSum(-1).sub(descending);
        NDArray inNucleus = massBefore.lt(Scalars.of(manager, settings.topP()));
        // The smallest probability still inside the nucleus; every token at least that probable is
        // kept (ties at the boundary are all kept).
        NDArray outsideAsTwo = inNucleus.logicalNot().toType(DataType.FLOAT32, false).mul(Scalars.of(manager, 2f));
        NDArray threshold = descending.add(outsideAsTwo).min(new int[] {-1}, true);
        NDArray kept = probs.gte(threshold).toType(DataType.FLOAT32, false);
        return kept.sub(Scalars.of(manager, 1f)).mul(Scalars.of(manager, -EXCLUDED));
    }

    private NDArray gumbelNoise(NDManager manager, Shape shape) {
        float[] noise = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < noise.length; i++) {
            double uniform = random.nextDouble();
            while (uniform == 0.0) {
                uniform = random.nextDouble();
            }
            noise[i] = (float) -Math.log(-Math.log(uniform));
        }
        return manager.create(noise, shape);
    }

    private static int[] toInts(long[] values) {
        int[] ints = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            ints[i] = Math.toIntExact(values[i]);
        }
        return ints;
    }
}
