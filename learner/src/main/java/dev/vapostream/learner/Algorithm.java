package dev.vapostream.learner;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import dev.vapostream.learner.algo.Aggregation;
import dev.vapostream.learner.algo.UpdateSettings;

/**
 * The algorithm a run trains with: a named preset with every component resolved to a switch.
 * The learner uses the update settings; the advantage estimator and group size are what the
 * advantage stage and the generators must be started with (the orchestrator passes them on).
 *
 * @param preset             vapo, ppo, dapo or grpo
 * @param estimator          advantage-stream estimator: vapo, decoupled, ppo, grpo
 * @param update             the update's hyperparameters and switches
 * @param usesCritic         false for the critic-free presets (dapo, grpo)
 * @param valuePretrainSteps critic-only steps before the first policy update (0: none)
 * @param dynamicSampling    drop groups whose rewards are all equal (DAPO)
 * @param groupSize          responses per prompt G
 * @param promptsPerStep     prompts per training batch P
 */
public record Algorithm(String preset, String estimator, UpdateSettings update, boolean usesCritic,
                        int valuePretrainSteps, boolean dynamicSampling, int groupSize, int promptsPerStep) {

    public Algorithm {
        if (groupSize < 2) {
            throw new IllegalArgumentException("group-size must be at least 2, got " + groupSize);
        }
        if (promptsPerStep < 1) {
            throw new IllegalArgumentException("prompts-per-step must be at least 1, got " + promptsPerStep);
        }
        if (valuePretrainSteps < 0) {
            throw new IllegalArgumentException("value-pretrain-steps must be >= 0, got " + valuePretrainSteps);
        }
        if (!usesCritic && valuePretrainSteps > 0) {
            throw new IllegalArgumentException("preset " + preset + " has no critic to pretrain");
        }
    }

    /**
     * Resolves {@code preset} (default vapo), then the component switches (each turns one VAPO
     * component off: {@code value-pretrain}, {@code decoupled-gae}, {@code adaptive-gae},
     * {@code clip-higher}, {@code token-level-loss}, {@code lm-loss}, {@code group-sampling}), then
     * explicit numbers.
     */
    public static Algorithm fromProperties(Properties p) {
        String preset = p.getProperty("preset", "vapo").toLowerCase(Locale.ROOT);
        long seed = Long.parseLong(p.getProperty("seed", "1"));
        int g = intOf(p, "group.size", 16);
        int prompts = intOf(p, "prompts.per.step", 8);
        int pretrain = intOf(p, "value.pretrain.steps", 20);
        UpdateSettings vapo = UpdateSettings.vapo(seed);
        Algorithm base = switch (preset) {
            case "vapo" -> new Algorithm(preset, "vapo", vapo, true, pretrain, false, g, prompts);
            case "ppo" -> new Algorithm(preset, "ppo", vapo.withAggregation(Aggregation.SEQUENCE).withClip(0.2f, 0.2f)
                .withLmCoefficient(0f), true, 0, false, g, prompts);
            case "dapo" -> new Algorithm(preset, "grpo", vapo.withLmCoefficient(0f), false, 0, true, g, prompts);
            case "grpo" -> new Algorithm(preset, "grpo", vapo.withAggregation(Aggregation.SEQUENCE).withClip(0.2f, 0.2f)
                .withLmCoefficient(0f), false, 0, false, g, prompts);
            default -> throw new IllegalArgumentException("preset '" + preset + "' is not one of vapo, ppo, dapo, grpo");
        };
        return base.withSwitches(p).withNumbers(p);
    }

    private Algorithm withSwitches(Properties p) {
        Algorithm a = this;
        if (!on(p, "value.pretrain")) {
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, 0, a.dynamicSampling, a.groupSize, a.promptsPerStep);
        }
        if (!on(p, "decoupled.gae")) {
            // Without decoupling the critic's targets use the policy's λ: one fixed λ for both.
            a = a.withEstimator("ppo");
        } else if (!on(p, "adaptive.gae") && a.estimator.equals("vapo")) {
            a = a.withEstimator("decoupled");
        }
        if (!on(p, "clip.higher")) {
            a = a.withUpdate(a.update.withClip(a.update.epsLow(), a.update.epsLow()));
        }
        if (!on(p, "token.level.loss")) {
            a = a.withUpdate(a.update.withAggregation(Aggregation.SEQUENCE));
        }
        if (!on(p, "lm.loss")) {
            a = a.withUpdate(a.update.withLmCoefficient(0f));
        }
        if (p.getProperty("dynamic.sampling") != null) {
            // DAPO's filter of all-right and all-wrong groups, on or off for any preset.
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, a.valuePretrainSteps,
                on(p, "dynamic.sampling"), a.groupSize, a.promptsPerStep);
        }
        if (!on(p, "group.sampling")) {
            // Same batch size, more prompts with fewer samples each.
            int fewer = Math.max(2, a.groupSize / 4);
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, a.valuePretrainSteps, a.dynamicSampling,
                fewer, a.promptsPerStep * a.groupSize / fewer);
        }
        return a;
    }

    private Algorithm withNumbers(Properties p) {
        UpdateSettings u = update;
        u = new UpdateSettings(u.aggregation(), floatOf(p, "eps.low", u.epsLow()), floatOf(p, "eps.high", u.epsHigh()),
            floatOf(p, "lm.coefficient", u.lmCoefficient()), floatOf(p, "value.clip", u.valueClip()),
            floatOf(p, "actor.lr", u.actorLr()), floatOf(p, "critic.lr", u.criticLr()),
            floatOf(p, "weight.decay", u.weightDecay()), floatOf(p, "max.grad.norm", u.maxGradNorm()),
            intOf(p, "epochs", u.epochs()), intOf(p, "mini.batches", u.miniBatches()), u.whiten(), u.seed());
        return withUpdate(u);
    }

    private Algorithm withEstimator(String e) {
        return new Algorithm(preset, e, update, usesCritic, valuePretrainSteps, dynamicSampling, groupSize, promptsPerStep);
    }

    private Algorithm withUpdate(UpdateSettings u) {
        return new Algorithm(preset, estimator, u, usesCritic, valuePretrainSteps, dynamicSampling, groupSize, promptsPerStep);
    }

    /** Every resolved setting, for the run directory. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("preset", preset);
        d.put("estimator", estimator);
        d.put("uses.critic", Boolean.toString(usesCritic));
        d.put("value.pretrain.steps", Integer.toString(valuePretrainSteps));
        d.put("dynamic.sampling", Boolean.toString(dynamicSampling));
        d.put("group.size", Integer.toString(groupSize));
        d.put("prompts.per.step", Integer.toString(promptsPerStep));
        d.put("aggregation", update.aggregation().name());
        d.put("eps.low", Float.toString(update.epsLow()));
        d.put("eps.high", Float.toString(update.epsHigh()));
        d.put("lm.coefficient", Float.toString(update.lmCoefficient()));
        d.put("value.clip", Float.toString(update.valueClip()));
        d.put("actor.lr", Float.toString(update.actorLr()));
        d.put("critic.lr", Float.toString(update.criticLr()));
        d.put("weight.decay", Float.toString(update.weightDecay()));
        d.put("max.grad.norm", Float.toString(update.maxGradNorm()));
        d.put("epochs", Integer.toString(update.epochs()));
        d.put("mini.batches", Integer.toString(update.miniBatches()));
        d.put("seed", Long.toString(update.seed()));
        return d;
    }

    private static boolean on(Properties p, String component) {
        String v = p.getProperty(component, "true");
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(component + " must be true or false, got '" + v + "'");
        }
        return v.equals("true");
    }

    static int intOf(Properties p, String key, int fallback) {
        String v = p.getProperty(key);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    static float floatOf(Properties p, String key, float fallback) {
        String v = p.getProperty(key);
        try {
            return v == null ? fallback : Float.parseFloat(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
        }
    }
}
