package dev.vapostream.learner;

/**
 * The advantage estimator's numbers the run sets on top of its preset, for the run contract; null
 * leaves the preset's. The advantage stage resolves the preset and checks the rest.
 */
public record EstimatorChoice(Double gamma, Double lambdaCritic, Double lambdaPolicy, Double alpha) {
    public EstimatorChoice {
        requireIn("gamma", gamma, 0, 1);
        requireIn("lambda.critic", lambdaCritic, 0, 1);
        requireIn("lambda.policy", lambdaPolicy, 0, 1);
        if (alpha != null && !(alpha > 0)) {
            throw new IllegalArgumentException("alpha must be positive, got " + alpha);
        }
    }

    private static void requireIn(String key, Double value, double low, double high) {
        if (value != null && !(value >= low && value <= high)) {
            throw new IllegalArgumentException(key + " must be in [" + low + ", " + high + "], got " + value);
        }
    }
}
