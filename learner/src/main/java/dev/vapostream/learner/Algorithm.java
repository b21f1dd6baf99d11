package dev.vapostream.learner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import dev.vapostream.learner.algo.Aggregation;
import dev.vapostream.learner.algo.UpdateSettings;
import dev.vapostream.learner.algo.ValuePretrainGate;
import dev.vapostream.learner.algo.Whitening;

/**
 * The algorithm a run trains with: a named preset with every component resolved to a switch.
 * The learner uses the update settings; the advantage estimator and group size are what the
 * advantage stage and the generators must be started with (the orchestrator passes them on).
 *
 * @param preset             vapo, ppo, dapo or grpo
 * @param estimator          advantage-stream estimator: vapo, decoupled, ppo, grpo
 * @param update             the update's hyperparameters and switches
 * @param usesCritic         false for the critic-free presets (dapo, grpo)
 * @param valuePretraining   when the critic-only steps before the first policy update end (the
 *                           explained-variance gate and its cap; none for critic-free presets)
 * @param dynamicSampling    drop groups whose rewards are all equal (DAPO)
 * @param groupSize          responses per prompt G
 * @param promptsPerStep     prompts per training batch P
 */
public record Algorithm(String preset, String estimator, UpdateSettings update, boolean usesCritic,
                        ValuePretrainGate.Settings valuePretraining, boolean dynamicSampling, int groupSize,
                        int promptsPerStep) {

    public Algorithm {
        if (groupSize < 2) {
            throw new IllegalArgumentException("group-size must be at least 2, got " + groupSize);
        }
        if (promptsPerStep < 1) {
            throw new IllegalArgumentException("prompts-per-step must be at least 1, got " + promptsPerStep);
        }
        boolean estimatorNeedsCritic = !estimator.equals("grpo") && !estimator.equals("dr-grpo");
        if (estimatorNeedsCritic != usesCritic) {
            throw new IllegalArgumentException("preset " + preset + (usesCritic ? " trains a critic that estimator "
                + estimator + " does not use" : " has no critic, but estimator " + estimator + " needs one"));
        }
        if (!usesCritic && valuePretraining.enabled()) {
            throw new IllegalArgumentException("preset " + preset + " has no critic to pretrain");
        }
    }

    /** The components a switch turns off, as {@code --<name> false}. */
    public static final List<String> SWITCHES = List.of("value.pretrain", "decoupled.gae", "adaptive.gae", "clip.higher",
        "token.level.loss", "lm.loss", "group.sampling");
    /** Switches about the critic and its advantages: refused for the critic-free presets, which have nothing to turn off. */
    static final List<String> CRITIC_SWITCHES = List.of("value.pretrain", "decoupled.gae", "adaptive.gae");

    /**
     * Resolves {@code preset} (default vapo), then the component switches (each turns one VAPO
     * component off: {@code value-pretrain}, {@code decoupled-gae}, {@code adaptive-gae},
     * {@code clip-higher}, {@code token-level-loss}, {@code lm-loss}, {@code group-sampling}), then
     * explicit numbers. A switch that has nothing to act on in the preset (a critic switch for
     * dapo or grpo) is refused rather than ignored.
     */
    public static Algorithm fromProperties(Properties p) {
        String preset = p.getProperty("preset", "vapo").toLowerCase(Locale.ROOT);
        long seed = Long.parseLong(p.getProperty("seed", "1"));
        int g = intOf(p, "group.size", 16);
        int prompts = intOf(p, "prompts.per.step", 8);
        ValuePretrainGate.Settings pretrain = new ValuePretrainGate.Settings(intOf(p, "value.pretrain.min.steps", 10),
            intOf(p, "value.pretrain.steps", 100), intOf(p, "value.pretrain.window", 5),
            intOf(p, "value.pretrain.patience", 10), doubleOf(p, "value.pretrain.min.delta", 0.01));
        ValuePretrainGate.Settings none = ValuePretrainGate.Settings.none();
        UpdateSettings vapo = UpdateSettings.vapo(seed);
        Algorithm base = switch (preset) {
            case "vapo" -> new Algorithm(preset, "vapo", vapo, true, pretrain, false, g, prompts);
            case "ppo" -> new Algorithm(preset, "ppo", vapo.withAggregation(Aggregation.SEQUENCE).withClip(0.2f, 0.2f)
                .withLmCoefficient(0f).withWhitening(Whitening.Mode.ON), true, none, false, g, prompts);
            case "dapo" -> new Algorithm(preset, "grpo", vapo.withLmCoefficient(0f), false, none, true, g, prompts);
            case "grpo" -> new Algorithm(preset, "grpo", vapo.withAggregation(Aggregation.SEQUENCE).withClip(0.2f, 0.2f)
                .withLmCoefficient(0f), false, none, false, g, prompts);
            default -> throw new IllegalArgumentException("preset '" + preset + "' is not one of vapo, ppo, dapo, grpo");
        };
        return base.withSwitches(p).withNumbers(p);
    }

    private Algorithm withSwitches(Properties p) {
        Algorithm a = this;
        if (!usesCritic) {
            for (String component : CRITIC_SWITCHES) {
                if (p.getProperty(component) != null) {
                    throw new IllegalArgumentException("--" + component.replace('.', '-') + ": preset " + preset
                        + " has no critic, so there is no " + component.replace('.', ' ') + " to switch; it applies to"
                        + " the presets with one (vapo, ppo)");
                }
            }
        }
        if (!on(p, "value.pretrain")) {
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, ValuePretrainGate.Settings.none(),
                a.dynamicSampling, a.groupSize, a.promptsPerStep);
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
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, a.valuePretraining,
                on(p, "dynamic.sampling"), a.groupSize, a.promptsPerStep);
        }
        if (!on(p, "group.sampling")) {
            // Same batch size, more prompts with fewer samples each.
            int fewer = Math.max(2, a.groupSize / 4);
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, a.valuePretraining, a.dynamicSampling,
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
            intOf(p, "epochs", u.epochs()), intOf(p, "mini.batches", u.miniBatches()),
            intOf(p, "critic.epochs", u.criticEpochs()), intOf(p, "critic.mini.batches", u.criticMiniBatches()),
            p.getProperty("whitening") == null ? u.whitening() : Whitening.Mode.of(p.getProperty("whitening")), u.seed());
        return withUpdate(u);
    }

    private Algorithm withEstimator(String e) {
        return new Algorithm(preset, e, update, usesCritic, valuePretraining, dynamicSampling, groupSize, promptsPerStep);
    }

    private Algorithm withUpdate(UpdateSettings u) {
        return new Algorithm(preset, estimator, u, usesCritic, valuePretraining, dynamicSampling, groupSize, promptsPerStep);
    }

    /** Every resolved setting, for the run directory. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("preset", preset);
        d.put("estimator", estimator);
        d.put("uses.critic", Boolean.toString(usesCritic));
        d.put("value.pretrain.steps", Integer.toString(valuePretraining.maxSteps()));
        d.put("value.pretrain.min.steps", Integer.toString(valuePretraining.minSteps()));
        d.put("value.pretrain.window", Integer.toString(valuePretraining.window()));
        d.put("value.pretrain.patience", Integer.toString(valuePretraining.patience()));
        d.put("value.pretrain.min.delta", Double.toString(valuePretraining.minDelta()));
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
        d.put("critic.epochs", Integer.toString(update.criticEpochs()));
        d.put("critic.mini.batches", Integer.toString(update.criticMiniBatches()));
        d.put("whitening", update.whitening().id());
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

    static double doubleOf(Properties p, String key, double fallback) {
        String v = p.getProperty(key);
        try {
            return v == null ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + v + "'");
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
