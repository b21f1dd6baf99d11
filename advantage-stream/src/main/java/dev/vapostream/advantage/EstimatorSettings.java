package dev.vapostream.advantage;

import dev.vapostream.advantage.kernel.LengthAdaptiveLambda;
import dev.vapostream.schemas.avro.AdvantageEstimator;
import dev.vapostream.schemas.avro.AdvantageSettings;

/**
 * Which advantage estimator to run and its parameters, validated.
 *
 * @param estimator    VAPO (decoupled, length-adaptive λ_policy), DECOUPLED_GAE (λ_critic and a fixed
 *                     λ_policy), FIXED_LAMBDA_GAE (one λ for both, vanilla PPO), GRPO, DR_GRPO
 * @param gamma        discount, in (0, 1]
 * @param lambdaCritic λ of the value targets, in [0, 1]; FIXED_LAMBDA_GAE uses lambdaPolicy for both
 * @param lambdaPolicy fixed λ of the advantages, in [0, 1], for DECOUPLED_GAE and FIXED_LAMBDA_GAE; NaN for
 *                     the others, which use none (VAPO's λ is per response, recorded with each response)
 * @param alpha        VAPO's length coefficient, > 0
 */
public record EstimatorSettings(AdvantageEstimator estimator, double gamma, double lambdaCritic, double lambdaPolicy,
                                double alpha) {

    public EstimatorSettings {
        if (estimator == null || estimator == AdvantageEstimator.UNKNOWN) {
            throw new IllegalArgumentException("estimator must be one of VAPO, DECOUPLED_GAE, FIXED_LAMBDA_GAE, GRPO, DR_GRPO");
        }
        requireIn("gamma", gamma, Double.MIN_VALUE, 1.0);
        requireIn("lambda-critic", lambdaCritic, 0.0, 1.0);
        if (usesFixedLambda(estimator)) {
            requireIn("lambda-policy", lambdaPolicy, 0.0, 1.0);
        } else if (!Double.isNaN(lambdaPolicy)) {
            throw new IllegalArgumentException("lambda-policy applies to the decoupled and ppo estimators; " + estimator
                + (estimator == AdvantageEstimator.VAPO ? " uses λ = 1 − 1/(α·l) per response (set --alpha)"
                : " uses no λ for its advantages"));
        }
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new IllegalArgumentException("alpha must be a positive finite number, got " + alpha);
        }
    }

    /** VAPO: λ_critic = 1, λ_policy = 1 − 1/(0.05·l). */
    public static EstimatorSettings vapo() {
        return new EstimatorSettings(AdvantageEstimator.VAPO, 1.0, 1.0, Double.NaN, LengthAdaptiveLambda.DEFAULT_ALPHA);
    }

    /** Vanilla PPO: λ = 0.95 for advantages and value targets alike. */
    public static EstimatorSettings ppo() {
        return new EstimatorSettings(AdvantageEstimator.FIXED_LAMBDA_GAE, 1.0, 0.95, 0.95, LengthAdaptiveLambda.DEFAULT_ALPHA);
    }

    /** Decoupled GAE without length adaptation: λ_critic = 1, λ_policy = 0.95. */
    public static EstimatorSettings decoupled() {
        return new EstimatorSettings(AdvantageEstimator.DECOUPLED_GAE, 1.0, 1.0, 0.95, LengthAdaptiveLambda.DEFAULT_ALPHA);
    }

    public static EstimatorSettings grpo() {
        return new EstimatorSettings(AdvantageEstimator.GRPO, 1.0, 1.0, Double.NaN, LengthAdaptiveLambda.DEFAULT_ALPHA);
    }

    public static EstimatorSettings drGrpo() {
        return new EstimatorSettings(AdvantageEstimator.DR_GRPO, 1.0, 1.0, Double.NaN, LengthAdaptiveLambda.DEFAULT_ALPHA);
    }

    /** Whether the estimator's advantages use the fixed {@code lambdaPolicy}. */
    public static boolean usesFixedLambda(AdvantageEstimator estimator) {
        return estimator == AdvantageEstimator.DECOUPLED_GAE || estimator == AdvantageEstimator.FIXED_LAMBDA_GAE;
    }

    /** What λ the advantages use, in words: the fixed value, or VAPO's per-response formula. */
    public String describePolicyLambda() {
        return switch (estimator) {
            case VAPO -> "1 - 1/(" + alpha + " * length), per response";
            case DECOUPLED_GAE, FIXED_LAMBDA_GAE -> Double.toString(lambdaPolicy);
            default -> "none (group-normalised rewards)";
        };
    }

    public boolean needsCritic() {
        return estimator != AdvantageEstimator.GRPO && estimator != AdvantageEstimator.DR_GRPO;
    }

    /** λ of the advantages of a response of {@code length} tokens. */
    public double policyLambda(int length) {
        return estimator == AdvantageEstimator.VAPO ? LengthAdaptiveLambda.of(alpha, length) : lambdaPolicy;
    }

    /** λ of the value targets. */
    public double criticLambda() {
        return estimator == AdvantageEstimator.FIXED_LAMBDA_GAE ? lambdaPolicy : lambdaCritic;
    }

    /** The settings as written into every advantage record (lambdaPolicy NaN where no fixed λ is used). */
    public AdvantageSettings toRecord() {
        return AdvantageSettings.newBuilder().setEstimator(estimator).setGamma(gamma).setLambdaCritic(criticLambda())
            .setLambdaPolicy(lambdaPolicy).setAlpha(alpha).build();
    }

    private static void requireIn(String name, double value, double low, double high) {
        if (!(value >= low && value <= high)) {
            throw new IllegalArgumentException(name + " must be in [" + (low == Double.MIN_VALUE ? "0 (exclusive)" : low)
                + ", " + high + "], got " + value);
        }
    }
}
