package dev.vapostream.learner;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.schemas.ClientSettings;
import dev.vapostream.schemas.SerdeSettings;
import dev.vapostream.schemas.TopicDescriptor;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.RunContract;
import dev.vapostream.schemas.settings.CommonSettings;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;

/**
 * Settings of the learner, validated. Its keys are declared once below, each with its default and
 * meaning ({@link #SPEC}: the learner's own and the {@link Algorithm}'s, plus {@code kafka.*}
 * client settings passed on untouched); {@code vapo learner --help} lists them.
 */
public record LearnerConfig(String bootstrapServers, SerdeSettings serdes, Map<String, String> kafka, String runId,
                            Path runDir, Path basePolicy, Path trainData, Path heldOutData, BuiltInTask task,
                            Algorithm algorithm,
                            String promptsTopic, String advantagesTopic, String weightsTopic, String metricsTopic,
                            String policyModel, String criticModel, int maxSteps, double actorLrFinal, int maxPromptsInFlight,
                            int maxStaleness, StalenessMode stalenessMode, float truncation, int maxCriticLag,
                            boolean refillDynamicSampling,
                            int evalEvery,
                            int evalProblems, long seed, Device device, boolean createTopics,
                            short topicReplication, List<String> deadLetterTopics, EstimatorChoice estimatorChoice) {

    /**
     * The actor's learning rate decays to a tenth by the last policy update: with a constant rate
     * one of five default runs oscillated by 10 points once sharp and ended 8.6 below its peak
     * (docs/results.md, "Stable defaults").
     */
    public static final double DEFAULT_ACTOR_LR_FINAL = 0.1;

    /** Where the learner's tensors live. DJL places them on the engine's default device. */
    public enum Device {
        CPU, GPU;

        /**
         * The engine's GPU count from {@code probe}; an engine that cannot load at all (a CUDA
         * build on a machine without the driver or a CUDA 12 runtime) is a clear error, not DJL's
         * download failure.
         */
        public static int visibleGpus(java.util.function.IntSupplier probe) {
            try {
                return probe.getAsInt();
            } catch (ai.djl.engine.EngineException e) {
                throw new IllegalStateException("the PyTorch engine did not load (" + e.getMessage() + "): a -Pcuda"
                    + " build needs an NVIDIA driver and a CUDA 12 libcudart on the loader path, the default build"
                    + " needs neither; see docs/deploy.md, \"GPUs\"", e);
            }
        }

        /** Fails unless the PyTorch engine's default device is this one. */
        public void requireAvailable(int gpuCount) {
            if (this == GPU && gpuCount == 0) {
                throw new IllegalStateException("--device gpu, but PyTorch sees no CUDA device: the CPU native library"
                    + " is on the classpath or no GPU is visible; see docs/deploy.md for a CUDA build");
            }
            if (this == CPU && gpuCount > 0) {
                throw new IllegalStateException("--device cpu, but PyTorch sees " + gpuCount + " CUDA device(s) and would"
                    + " use them; run with the CPU native library (the default build) or pass --device gpu");
            }
        }
    }

    /** What happens to a group sampled more than {@code max.staleness} versions ago. */
    public enum StalenessMode {
        /** Trained, with the ratio taken against the current policy and a truncated importance weight. */
        CORRECT,
        /** Not trained; counted. */
        DROP
    }

    public LearnerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrap.servers is required");
        Objects.requireNonNull(serdes, "registry.url is required");
        Objects.requireNonNull(runDir, "run.dir is required");
        Objects.requireNonNull(basePolicy, "base.policy is required (vapo pretrain writes one)");
        Objects.requireNonNull(trainData, "train.data is required (vapo dataset writes one)");
        Objects.requireNonNull(task, "task");
        kafka = Map.copyOf(kafka);
        deadLetterTopics = List.copyOf(deadLetterTopics);
        Objects.requireNonNull(estimatorChoice, "estimatorChoice");
        if (maxSteps < 1) {
            throw new IllegalArgumentException("max.steps must be at least 1, got " + maxSteps);
        }
        if (!(actorLrFinal > 0 && actorLrFinal <= 1)) {
            throw new IllegalArgumentException("actor.lr.final must be in (0, 1], got " + actorLrFinal);
        }
        if (maxPromptsInFlight < algorithm.promptsPerStep()) {
            throw new IllegalArgumentException("max.prompts.in.flight (" + maxPromptsInFlight
                + ") must be at least prompts.per.step (" + algorithm.promptsPerStep() + ") or no batch can fill");
        }
        if (maxStaleness < 0) {
            throw new IllegalArgumentException("max.staleness must be >= 0, got " + maxStaleness);
        }
        if (maxCriticLag < 0) {
            throw new IllegalArgumentException("max.critic.lag must be >= 0, got " + maxCriticLag);
        }
        if (!(truncation > 0)) {
            throw new IllegalArgumentException("truncation must be positive, got " + truncation);
        }
        if (evalEvery < 0 || evalProblems < 0) {
            throw new IllegalArgumentException("eval.every and eval.problems must be >= 0");
        }
    }

    public static final Setting<String> BOOTSTRAP_SERVERS = CommonSettings.BOOTSTRAP_SERVERS;
    public static final Setting<String> REGISTRY_URL = CommonSettings.REGISTRY_URL;
    public static final Setting<String> RUN_DIR = Setting.required("run.dir",
        "checkpoints, metrics and the resolved config; resumed if it holds a checkpoint");
    public static final Setting<String> RUN_ID = Setting.optionalText("run.id", "the run's id; default the run folder's name");
    public static final Setting<String> BASE_POLICY = Setting.required("base.policy",
        "encoded weights of the base policy (vapo pretrain writes them)");
    public static final Setting<String> TRAIN_DATA = Setting.required("train.data",
        "JSONL {id, prompt, answer[, tags]} of the training prompts (vapo dataset writes it)");
    public static final Setting<String> HELD_OUT_DATA = Setting.optionalText("heldout.data",
        "JSONL of the held-out problems evaluated during training; none: no evaluation");
    public static final Setting<String> TASK = Setting.text("task", BuiltInTask.DEFAULT.id(),
        "the built-in task of the held-out problems: length buckets and response budget of the evaluation");
    public static final Setting<Integer> MAX_STEPS = Setting.integer("max.steps", 300,
        "stop after this many policy updates; value-pretraining steps come on top");
    public static final Setting<Double> ACTOR_LR_FINAL = Setting.number("actor.lr.final", DEFAULT_ACTOR_LR_FINAL,
        "the actor's learning rate at the last policy update as a fraction of actor.lr, reached by a cosine over"
            + " max.steps (1: constant)");
    public static final Setting<Integer> MAX_PROMPTS_IN_FLIGHT = Setting.optionalInteger("max.prompts.in.flight",
        "prompts admitted but not yet trained; default 2 × prompts.per.step");
    public static final Setting<Integer> MAX_STALENESS = Setting.integer("max.staleness", 2,
        "version lag beyond which a group is corrected or dropped");
    public static final Setting<String> STALENESS_MODE = Setting.choice("staleness.mode",
        "what happens to a group beyond max.staleness", "correct", "drop");
    public static final Setting<Boolean> DYNAMIC_SAMPLING_REFILL = Setting.bool("dynamic.sampling.refill", true,
        "with dynamic sampling, draw groups until a batch holds prompts.per.step with signal (DAPO), or drop them"
            + " from a fixed draw so that every configuration draws the same samples per update (false)");
    public static final Setting<Integer> MAX_CRITIC_LAG = Setting.integer("max.critic.lag", 2,
        "groups valued by a critic more than this many versions behind the learner's are refused and counted");
    public static final Setting<Double> TRUNCATION = Setting.number("truncation", 1.0,
        "cap of the importance weight of corrected groups");
    public static final Setting<Integer> EVAL_EVERY = Setting.integer("eval.every", 20,
        "held-out evaluation every this many steps (0: never)");
    public static final Setting<Integer> EVAL_PROBLEMS = Setting.integer("eval.problems", 512,
        "held-out problems per evaluation");
    public static final Setting<String> DEVICE = Setting.text("device", "cpu",
        "cpu | gpu: checked against the engine, see docs/deploy.md");
    public static final Setting<Boolean> TOPICS_CREATE = CommonSettings.TOPICS_CREATE;
    public static final Setting<Integer> TOPICS_REPLICATION = CommonSettings.TOPICS_REPLICATION;
    public static final Setting<String> POLICY_MODEL = Setting.text("policy.model", "policy",
        "the policy's name on the weights topic");
    public static final Setting<String> CRITIC_MODEL = Setting.text("critic.model", "critic",
        "the critic's name on the weights topic");
    public static final Setting<String> PROMPTS_TOPIC = Setting.text("prompts.topic", Topics.PROMPTS.name(),
        "prompts written");
    public static final Setting<String> ADVANTAGES_TOPIC = Setting.text("advantages.topic", Topics.ADVANTAGES.name(),
        "advantage records read");
    public static final Setting<String> WEIGHTS_TOPIC = Setting.text("weights.topic", Topics.WEIGHTS.name(),
        "weight versions written");
    public static final Setting<String> METRICS_TOPIC = Setting.text("metrics.topic", Topics.METRICS.name(),
        "one metrics record per step written");
    public static final Setting<String> DEAD_LETTER_TOPICS = Setting.optionalText("dead.letter.topics",
        "comma-separated; a prompt of this run found there frees its admission slot (default: the .dlq topics of"
            + " prompts, rollouts, scored and advantages)");

    /** Every key the learner reads (its own and the algorithm's), and the prefixes it passes on. */
    public static final SettingsSpec SPEC = SettingsSpec.of("learner", List.of(BOOTSTRAP_SERVERS, REGISTRY_URL, RUN_DIR,
            RUN_ID, BASE_POLICY, TRAIN_DATA, HELD_OUT_DATA, TASK, MAX_STEPS, ACTOR_LR_FINAL, MAX_PROMPTS_IN_FLIGHT,
            MAX_STALENESS, STALENESS_MODE, DYNAMIC_SAMPLING_REFILL, MAX_CRITIC_LAG, TRUNCATION, EVAL_EVERY,
            EVAL_PROBLEMS, DEVICE, TOPICS_CREATE, TOPICS_REPLICATION, POLICY_MODEL, CRITIC_MODEL, PROMPTS_TOPIC,
            ADVANTAGES_TOPIC, WEIGHTS_TOPIC, METRICS_TOPIC, DEAD_LETTER_TOPICS),
        List.of(ClientSettings.PREFIX, SerdeSettings.PREFIX)).plus(Algorithm.SPEC).plus(CommonSettings.PROCESS_SPEC);

    /** Reads the config; a key neither the learner nor the algorithm declares is an error. */
    public static LearnerConfig fromProperties(Properties p) {
        Settings s = SPEC.read(p);
        Algorithm algorithm = Algorithm.from(s);
        Path runDir = Path.of(s.get(RUN_DIR));
        Integer inFlight = s.get(MAX_PROMPTS_IN_FLIGHT);
        return new LearnerConfig(s.get(BOOTSTRAP_SERVERS), SerdeSettings.fromProperties(s.get(REGISTRY_URL), p),
            ClientSettings.from(p), s.get(RUN_ID) == null ? runDir.getFileName().toString() : s.get(RUN_ID), runDir,
            Path.of(s.get(BASE_POLICY)), Path.of(s.get(TRAIN_DATA)),
            s.get(HELD_OUT_DATA) == null ? null : Path.of(s.get(HELD_OUT_DATA)),
            BuiltInTask.of(s.get(TASK)), algorithm,
            s.get(PROMPTS_TOPIC), s.get(ADVANTAGES_TOPIC), s.get(WEIGHTS_TOPIC), s.get(METRICS_TOPIC),
            s.get(POLICY_MODEL), s.get(CRITIC_MODEL), s.get(MAX_STEPS), s.get(ACTOR_LR_FINAL),
            inFlight == null ? 2 * algorithm.promptsPerStep() : inFlight,
            s.get(MAX_STALENESS), StalenessMode.valueOf(s.get(STALENESS_MODE).toUpperCase(Locale.ROOT)),
            s.get(TRUNCATION).floatValue(), s.get(MAX_CRITIC_LAG), s.get(DYNAMIC_SAMPLING_REFILL),
            s.get(EVAL_EVERY), s.get(EVAL_PROBLEMS), s.get(Algorithm.SEED), device(s.get(DEVICE)),
            s.get(TOPICS_CREATE), s.get(TOPICS_REPLICATION).shortValue(), deadLetterTopics(s),
            new EstimatorChoice(s.get(Algorithm.GAMMA), s.get(Algorithm.LAMBDA_CRITIC), s.get(Algorithm.LAMBDA_POLICY),
                s.get(Algorithm.ALPHA)));
    }

    /**
     * The run contract every prompt carries: the group size and the advantage estimator the stages
     * take from the run (docs/wire-contract.md).
     */
    public RunContract runContract() {
        return RunContract.newBuilder().setRunId(runId).setGroupSize(algorithm.groupSize())
            .setEstimator(algorithm.estimator()).setGamma(estimatorChoice.gamma())
            .setLambdaCritic(estimatorChoice.lambdaCritic()).setLambdaPolicy(estimatorChoice.lambdaPolicy())
            .setAlpha(estimatorChoice.alpha()).build();
    }

    private static List<String> deadLetterTopics(Settings s) {
        String listed = s.get(DEAD_LETTER_TOPICS);
        if (listed != null) {
            return Arrays.stream(listed.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        }
        return List.of(TopicDescriptor.deadLetterTopicOf(s.get(PROMPTS_TOPIC)),
            Topics.ROLLOUTS.deadLetterTopic(), Topics.SCORED.deadLetterTopic(),
            TopicDescriptor.deadLetterTopicOf(s.get(ADVANTAGES_TOPIC)));
    }

    private static Device device(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> Device.CPU;
            case "gpu", "cuda" -> Device.GPU;
            default -> throw new IllegalArgumentException("device must be cpu or gpu, got '" + name + "'");
        };
    }
}
