package dev.vapostream.learner;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.vapostream.learner.algo.Aggregation;
import dev.vapostream.learner.algo.UpdateSettings;
import dev.vapostream.learner.algo.ValuePretrainGate;
import dev.vapostream.learner.algo.Whitening;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.schemas.settings.CommonSettings;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;

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
 * @param criticReadsPolicy  the critic also reads the base policy's per-token features (a frozen
 *                           copy of it; {@link PolicyModel#newValueModel(long, boolean)})
 */
public record Algorithm(String preset, String estimator, UpdateSettings update, boolean usesCritic,
                        ValuePretrainGate.Settings valuePretraining, boolean dynamicSampling, int groupSize,
                        int promptsPerStep, boolean criticReadsPolicy) {

    public Algorithm {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group-size must be at least 1, got " + groupSize);
        }
        if (promptsPerStep < 1) {
            throw new IllegalArgumentException("prompts-per-step must be at least 1, got " + promptsPerStep);
        }
        boolean estimatorNeedsCritic = !estimator.equals("grpo") && !estimator.equals("dr-grpo");
        if (estimatorNeedsCritic != usesCritic) {
            throw new IllegalArgumentException("preset " + preset + (usesCritic ? " trains a critic that estimator "
                + estimator + " does not use" : " has no critic, but estimator " + estimator + " needs one"));
        }
        // One response a prompt is enough for a critic's advantages, and more prompts a batch teach a critic more.
        if (groupSize == 1 && !usesCritic) {
            throw new IllegalArgumentException("group-size 1: estimator " + estimator
                + " compares the responses to one prompt and needs at least 2");
        }
        if (groupSize == 1 && dynamicSampling) {
            throw new IllegalArgumentException("group-size 1 with dynamic sampling: a group of one response has equal"
                + " rewards and would always be dropped; pass --dynamic-sampling false");
        }
        if (!usesCritic && valuePretraining.enabled()) {
            throw new IllegalArgumentException("preset " + preset + " has no critic to pretrain");
        }
        if (!usesCritic && criticReadsPolicy) {
            throw new IllegalArgumentException("--critic-policy-features: preset " + preset + " has no critic");
        }
    }

    public static final Setting<String> PRESET = Setting.choice("preset",
        "the algorithm: every component below resolved from it", "vapo", "ppo", "dapo", "grpo");
    public static final Setting<Long> SEED = Setting.longInteger("seed", 1, "seed of the run's sampling and updates");
    public static final Setting<Integer> GROUP_SIZE = Setting.integer("group.size", 16, "G: responses per prompt");
    public static final Setting<Integer> PROMPTS_PER_STEP = Setting.integer("prompts.per.step", 8,
        "P: prompts per training batch");
    public static final Setting<Integer> VALUE_PRETRAIN_MIN_STEPS = Setting.integer("value.pretrain.min.steps", 10,
        "value pretraining runs at least this many steps");
    public static final Setting<Integer> VALUE_PRETRAIN_STEPS = Setting.integer("value.pretrain.steps", 100,
        "value pretraining's cap in steps");
    public static final Setting<Integer> VALUE_PRETRAIN_WINDOW = Setting.integer("value.pretrain.window", 5,
        "steps in the moving average of the critic's explained variance");
    public static final Setting<Integer> VALUE_PRETRAIN_PATIENCE = Setting.integer("value.pretrain.patience", 10,
        "value pretraining ends after this many steps without improvement");
    public static final Setting<Double> VALUE_PRETRAIN_MIN_DELTA = Setting.number("value.pretrain.min.delta", 0.01,
        "the smallest rise of the moving average that counts as improvement");
    public static final Setting<Double> VALUE_PRETRAIN_CRITIC_LR_FINAL = Setting.number("value.pretrain.critic.lr.final", 1.0,
        "the critic's learning rate at value pretraining's cap, as a fraction of critic-lr (a cosine from the full rate;"
            + " 1 keeps it constant); the policy phase trains the critic at its full rate");

    public static final Setting<Boolean> VALUE_PRETRAIN = component("value.pretrain", "critic-only steps before the first policy update");
    public static final Setting<Boolean> DECOUPLED_GAE = component("decoupled.gae", "the critic's targets with λ = 1, apart from the policy's λ");
    public static final Setting<Boolean> ADAPTIVE_GAE = component("adaptive.gae", "the policy's λ from the response length");
    public static final Setting<Boolean> CLIP_HIGHER = component("clip.higher", "a higher upper clip (eps.high) than lower");
    public static final Setting<Boolean> TOKEN_LEVEL_LOSS = component("token.level.loss", "the loss averaged over tokens, not sequences");
    public static final Setting<Boolean> LM_LOSS = component("lm.loss", "a language-model loss on correct responses");
    public static final Setting<Boolean> GROUP_SAMPLING = component("group.sampling", "G responses per prompt (false: G/4, more prompts)");
    public static final Setting<Boolean> DYNAMIC_SAMPLING = Setting.optionalBool("dynamic.sampling",
        "drop groups whose rewards are all equal (DAPO); default: the preset's");

    public static final Setting<Double> EPS_LOW = Setting.optionalNumber("eps.low", "lower clip of the ratio; default: the preset's");
    public static final Setting<Double> EPS_HIGH = Setting.optionalNumber("eps.high", "upper clip of the ratio; default: the preset's");
    public static final Setting<Double> LM_COEFFICIENT = Setting.optionalNumber("lm.coefficient", "weight of the LM loss; default: the preset's");
    public static final Setting<Double> VALUE_CLIP = Setting.optionalNumber("value.clip", "clip of the critic's value change; default: the preset's");
    public static final Setting<Double> ACTOR_LR = Setting.optionalNumber("actor.lr", "the policy's learning rate; default: the preset's");
    public static final Setting<Double> CRITIC_LR = Setting.optionalNumber("critic.lr", "the critic's learning rate; default: the preset's");
    public static final Setting<Double> WEIGHT_DECAY = Setting.optionalNumber("weight.decay", "AdamW weight decay; default: the preset's");
    public static final Setting<Double> MAX_GRAD_NORM = Setting.optionalNumber("max.grad.norm", "gradient norm clip; default: the preset's");
    public static final Setting<Integer> EPOCHS = Setting.optionalInteger("epochs", "policy epochs per batch; default: the preset's");
    public static final Setting<Integer> MINI_BATCHES = Setting.optionalInteger("mini.batches", "policy mini-batches per epoch; default: the preset's");
    public static final Setting<Integer> CRITIC_EPOCHS = Setting.optionalInteger("critic.epochs", "critic epochs per batch; default: the preset's");
    public static final Setting<Integer> CRITIC_MINI_BATCHES = Setting.optionalInteger("critic.mini.batches", "critic mini-batches per epoch; default: the preset's");
    public static final Setting<Integer> CRITIC_REPLAY = Setting.optionalInteger("critic.replay",
        "batches pooled for the critic's rows, each critic step drawn from all of them; 1: the newest batch only; default: the preset's");
    public static final Setting<Boolean> CRITIC_REPLAY_REDRAW = Setting.bool("critic.replay.redraw", false,
        "with critic-replay above 1, each critic epoch draws new rows from the pool instead of passing over the step's rows again");
    public static final Setting<Boolean> CRITIC_POLICY_FEATURES = Setting.bool("critic.policy.features", false,
        "the critic also reads the base policy's features of each response token (probability, log-probability, the"
            + " entropy it was drawn from), by a frozen copy of the base kept in the critic's weights");
    public static final Setting<String> WHITENING = Setting.optionalText("whitening",
        "on | scale | off: normalisation of a batch's advantages; default: the preset's");

    public static final Setting<Double> GAMMA = CommonSettings.GAMMA;
    public static final Setting<Double> LAMBDA_CRITIC = CommonSettings.LAMBDA_CRITIC;
    public static final Setting<Double> LAMBDA_POLICY = CommonSettings.LAMBDA_POLICY;
    public static final Setting<Double> ALPHA = CommonSettings.ALPHA;

    /** The components a switch turns off, as {@code --<name> false}. */
    public static final List<Setting<Boolean>> SWITCHES = List.of(VALUE_PRETRAIN, DECOUPLED_GAE, ADAPTIVE_GAE,
        CLIP_HIGHER, TOKEN_LEVEL_LOSS, LM_LOSS, GROUP_SAMPLING);
    /** Switches about the critic and its advantages: refused for the critic-free presets, which have nothing to turn off. */
    static final List<Setting<Boolean>> CRITIC_SWITCHES = List.of(VALUE_PRETRAIN, DECOUPLED_GAE, ADAPTIVE_GAE);

    /** Every key of the algorithm. */
    public static final SettingsSpec SPEC = SettingsSpec.of("algorithm", List.of(PRESET, SEED, GROUP_SIZE,
        PROMPTS_PER_STEP, VALUE_PRETRAIN_MIN_STEPS, VALUE_PRETRAIN_STEPS, VALUE_PRETRAIN_WINDOW, VALUE_PRETRAIN_PATIENCE,
        VALUE_PRETRAIN_MIN_DELTA, VALUE_PRETRAIN_CRITIC_LR_FINAL, VALUE_PRETRAIN, DECOUPLED_GAE, ADAPTIVE_GAE, CLIP_HIGHER,
        TOKEN_LEVEL_LOSS, LM_LOSS, GROUP_SAMPLING, DYNAMIC_SAMPLING, EPS_LOW, EPS_HIGH, LM_COEFFICIENT, VALUE_CLIP, ACTOR_LR,
        CRITIC_LR, WEIGHT_DECAY, MAX_GRAD_NORM, EPOCHS, MINI_BATCHES, CRITIC_EPOCHS, CRITIC_MINI_BATCHES, CRITIC_REPLAY,
        CRITIC_REPLAY_REDRAW, CRITIC_POLICY_FEATURES, WHITENING, GAMMA, LAMBDA_CRITIC, LAMBDA_POLICY, ALPHA), List.of());

    private static Setting<Boolean> component(String key, String what) {
        return Setting.bool(key, true, "VAPO component: " + what + " (false turns it off)");
    }

    /**
     * Resolves {@code preset} (default vapo), then the component switches (each turns one VAPO
     * component off: {@code value-pretrain}, {@code decoupled-gae}, {@code adaptive-gae},
     * {@code clip-higher}, {@code token-level-loss}, {@code lm-loss}, {@code group-sampling}), then
     * explicit numbers. A switch that has nothing to act on in the preset (a critic switch for
     * dapo or grpo) is refused rather than ignored. Reads the algorithm's keys of {@code p} and
     * leaves the rest to whoever reads them (the learner refuses what nobody declares).
     */
    public static Algorithm fromProperties(Properties p) {
        return from(SPEC.read(SPEC.select(p)));
    }

    static Algorithm from(Settings s) {
        String preset = s.get(PRESET);
        int g = s.get(GROUP_SIZE);
        int prompts = s.get(PROMPTS_PER_STEP);
        ValuePretrainGate.Settings pretrain = new ValuePretrainGate.Settings(s.get(VALUE_PRETRAIN_MIN_STEPS),
            s.get(VALUE_PRETRAIN_STEPS), s.get(VALUE_PRETRAIN_WINDOW), s.get(VALUE_PRETRAIN_PATIENCE),
            s.get(VALUE_PRETRAIN_MIN_DELTA), s.get(VALUE_PRETRAIN_CRITIC_LR_FINAL));
        ValuePretrainGate.Settings none = ValuePretrainGate.Settings.none();
        UpdateSettings vapo = UpdateSettings.vapo(s.get(SEED));
        boolean reads = s.get(CRITIC_POLICY_FEATURES);
        Algorithm base = switch (preset) {
            case "vapo" -> new Algorithm(preset, "vapo", vapo, true, pretrain, false, g, prompts, reads);
            case "ppo" -> new Algorithm(preset, "ppo", vapo.withAggregation(Aggregation.SEQUENCE).withClip(0.2f, 0.2f)
                .withLmCoefficient(0f).withWhitening(Whitening.Mode.ON), true, none, false, g, prompts, reads);
            case "dapo" -> new Algorithm(preset, "grpo", vapo.withLmCoefficient(0f), false, none, true, g, prompts, reads);
            case "grpo" -> new Algorithm(preset, "grpo", vapo.withAggregation(Aggregation.SEQUENCE).withClip(0.2f, 0.2f)
                .withLmCoefficient(0f), false, none, false, g, prompts, reads);
            default -> throw new IllegalStateException("preset " + preset + " is declared but not resolved");
        };
        return base.withSwitches(s).withNumbers(s);
    }

    private Algorithm withSwitches(Settings s) {
        Algorithm a = this;
        if (!usesCritic) {
            for (Setting<Boolean> component : CRITIC_SWITCHES) {
                if (s.isGiven(component)) {
                    throw new IllegalArgumentException(component.flag() + ": preset " + preset
                        + " has no critic, so there is no " + component.key().replace('.', ' ') + " to switch; it applies to"
                        + " the presets with one (vapo, ppo)");
                }
            }
        }
        if (!s.get(VALUE_PRETRAIN)) {
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, ValuePretrainGate.Settings.none(),
                a.dynamicSampling, a.groupSize, a.promptsPerStep, a.criticReadsPolicy);
        }
        if (!s.get(DECOUPLED_GAE)) {
            // Without decoupling the critic's targets use the policy's λ: one fixed λ for both.
            a = a.withEstimator("ppo");
        } else if (!s.get(ADAPTIVE_GAE) && a.estimator.equals("vapo")) {
            a = a.withEstimator("decoupled");
        }
        if (!s.get(CLIP_HIGHER)) {
            a = a.withUpdate(a.update.withClip(a.update.epsLow(), a.update.epsLow()));
        }
        if (!s.get(TOKEN_LEVEL_LOSS)) {
            a = a.withUpdate(a.update.withAggregation(Aggregation.SEQUENCE));
        }
        if (!s.get(LM_LOSS)) {
            a = a.withUpdate(a.update.withLmCoefficient(0f));
        }
        if (s.get(DYNAMIC_SAMPLING) != null) {
            // DAPO's filter of all-right and all-wrong groups, on or off for any preset.
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, a.valuePretraining,
                s.get(DYNAMIC_SAMPLING), a.groupSize, a.promptsPerStep, a.criticReadsPolicy);
        }
        if (!s.get(GROUP_SAMPLING)) {
            // Same batch size, more prompts with fewer samples each; a group of 2 or 1 has none to spare.
            int fewer = a.groupSize <= 2 ? a.groupSize : Math.max(2, a.groupSize / 4);
            a = new Algorithm(a.preset, a.estimator, a.update, a.usesCritic, a.valuePretraining, a.dynamicSampling,
                fewer, a.promptsPerStep * a.groupSize / fewer, a.criticReadsPolicy);
        }
        return a;
    }

    private Algorithm withNumbers(Settings s) {
        UpdateSettings u = update;
        u = new UpdateSettings(u.aggregation(), or(s.get(EPS_LOW), u.epsLow()), or(s.get(EPS_HIGH), u.epsHigh()),
            or(s.get(LM_COEFFICIENT), u.lmCoefficient()), or(s.get(VALUE_CLIP), u.valueClip()),
            or(s.get(ACTOR_LR), u.actorLr()), or(s.get(CRITIC_LR), u.criticLr()),
            or(s.get(WEIGHT_DECAY), u.weightDecay()), or(s.get(MAX_GRAD_NORM), u.maxGradNorm()),
            or(s.get(EPOCHS), u.epochs()), or(s.get(MINI_BATCHES), u.miniBatches()),
            or(s.get(CRITIC_EPOCHS), u.criticEpochs()), or(s.get(CRITIC_MINI_BATCHES), u.criticMiniBatches()),
            or(s.get(CRITIC_REPLAY), u.criticReplay()), s.get(CRITIC_REPLAY_REDRAW),
            s.get(WHITENING) == null ? u.whitening() : Whitening.Mode.of(s.get(WHITENING)), u.seed());
        return withUpdate(u);
    }

    private static float or(Double given, float preset) {
        return given == null ? preset : given.floatValue();
    }

    private static int or(Integer given, int preset) {
        return given == null ? preset : given;
    }

    private Algorithm withEstimator(String e) {
        return new Algorithm(preset, e, update, usesCritic, valuePretraining, dynamicSampling, groupSize, promptsPerStep,
            criticReadsPolicy);
    }

    private Algorithm withUpdate(UpdateSettings u) {
        return new Algorithm(preset, estimator, u, usesCritic, valuePretraining, dynamicSampling, groupSize, promptsPerStep,
            criticReadsPolicy);
    }

    /**
     * The critic a new run starts with, or null for a critic-free preset: {@code base}'s trunk
     * with a fresh head from {@code seed}, reading {@code base}'s features if this algorithm asks.
     */
    public ValueModel newCritic(PolicyModel base, long seed) {
        return usesCritic ? base.newValueModel(seed, criticReadsPolicy) : null;
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
        d.put("value.pretrain.critic.lr.final", Double.toString(valuePretraining.criticLrFinal()));
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
        d.put("critic.replay", Integer.toString(update.criticReplay()));
        d.put("critic.replay.redraw", Boolean.toString(update.criticRedraw()));
        d.put("critic.policy.features", Boolean.toString(criticReadsPolicy));
        d.put("whitening", update.whitening().id());
        d.put("seed", Long.toString(update.seed()));
        return d;
    }
}
