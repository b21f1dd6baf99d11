package dev.vapostream.advantage.kernel;

/**
 * VAPO's length-adaptive GAE: {@code λ_policy = 1 − 1/(α·l)}, so that the sum of GAE
 * coefficients {@code 1/(1−λ) = α·l} grows with the response length {@code l} and long responses
 * keep more of the terminal reward in their early tokens.
 */
public final class LengthAdaptiveLambda {
    /** VAPO's default α. */
    public static final double DEFAULT_ALPHA = 0.05;

    private LengthAdaptiveLambda() {
    }

    /**
     * λ for a response of {@code length} tokens, clamped into [0, 1): the formula is ≤ 0 for
     * {@code α·l ≤ 1} (l ≤ 20 at α = 0.05), where λ = 0 means one-step TD advantages.
     */
    public static double of(double alpha, int length) {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a positive finite number, got " + alpha);
        }
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive, got " + length);
        }
        double lambda = 1.0 - 1.0 / (alpha * length);
        return Math.max(0.0, lambda);
    }
}
