package dev.vapostream.advantage.kernel;

/**
 * Generalised advantage estimation over one response, on primitive arrays.
 *
 * <p>Token {@code t} of a response of length {@code l} has value {@code V[t]} (the critic's
 * estimate before emitting it) and reward {@code r[t]}. The state after the last token is
 * terminal, so its value is 0. With {@code δ_t = r_t + γ·V[t+1] − V[t]}:
 * {@code A_t = δ_t + γλ·A_{t+1}}, {@code A_l = 0}; and the value target is
 * {@code G_t = A_t + V[t]} for the same λ.
 */
public final class Gae {
    private Gae() {
    }

    /**
     * Advantages for a response whose only reward is {@code reward} on its last token (the
     * binary-correctness case), written into {@code out[0..length)}.
     */
    public static void terminalReward(float reward, float[] values, int length, double gamma, double lambda,
                                      float[] out) {
        checkLengths(values, length, out);
        if (length == 0) {
            return;
        }
        double gammaLambda = gamma * lambda;
        int last = length - 1;
        double advantage = reward - values[last];
        out[last] = (float) advantage;
        for (int t = last - 1; t >= 0; t--) {
            double delta = gamma * values[t + 1] - values[t];
            advantage = delta + gammaLambda * advantage;
            out[t] = (float) advantage;
        }
    }

    /** Advantages for per-token rewards {@code rewards[0..length)}, written into {@code out}. */
    public static void perTokenRewards(float[] rewards, float[] values, int length, double gamma, double lambda,
                                       float[] out) {
        checkLengths(values, length, out);
        if (rewards.length < length) {
            throw new IllegalArgumentException("rewards has " + rewards.length + " entries for " + length + " tokens");
        }
        double gammaLambda = gamma * lambda;
        double advantage = 0.0;
        double nextValue = 0.0;
        for (int t = length - 1; t >= 0; t--) {
            double delta = rewards[t] + gamma * nextValue - values[t];
            advantage = delta + gammaLambda * advantage;
            out[t] = (float) advantage;
            nextValue = values[t];
        }
    }

    /** Value targets from advantages computed with the same λ: {@code G_t = A_t + V[t]}. */
    public static void returns(float[] advantages, float[] values, int length, float[] out) {
        checkLengths(values, length, out);
        for (int t = 0; t < length; t++) {
            out[t] = advantages[t] + values[t];
        }
    }

    private static void checkLengths(float[] values, int length, float[] out) {
        if (length < 0 || values.length < length || out.length < length) {
            throw new IllegalArgumentException("length " + length + " does not fit values[" + values.length
                + "] and out[" + out.length + "]");
        }
    }
}
