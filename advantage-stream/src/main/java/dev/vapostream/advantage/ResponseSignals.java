package dev.vapostream.advantage;

/**
 * Per-token training signals of one response.
 *
 * @param lambdaPolicy the λ its advantages were computed with (NaN for group estimators)
 * @param values       critic values V(s_t), zeros without a critic
 * @param advantages   advantages A_t
 * @param returns      value targets G_t
 */
public record ResponseSignals(double lambdaPolicy, float[] values, float[] advantages, float[] returns) {
}
