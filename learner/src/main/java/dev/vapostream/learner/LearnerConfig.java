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

/**
 * Settings of the learner, validated. From properties:
 *
 * <pre>
 * bootstrap.servers, registry.url   (required)
 * run.dir                            (required) checkpoints, metrics, resolved config; resumed if it holds a checkpoint
 * base.policy                        (required) encoded weights of the base policy (vapo pretrain writes them)
 * train.data, heldout.data           (required / optional) JSONL {id, prompt, answer[, tags]}
 * task                               the built-in task of the held-out problems: length buckets and response budget
 *                                    of the evaluation (default blind-spots)
 * run.id                             default: the run folder's name
 * max.steps                          stop after this many policy updates (default 300); value-pretraining steps come on top
 * actor.lr.final                     the actor's learning rate at the last policy update as a fraction of actor.lr,
 *                                    reached by a cosine over max.steps (default 0.1; 1: constant)
 * max.prompts.in.flight              admitted but not yet trained (default 2 × prompts per step)
 * max.staleness                      version lag beyond which a group is corrected or dropped (default 2)
 * staleness.mode                     correct | drop (default correct)
 * dynamic.sampling.refill            with dynamic sampling, draw groups until a batch holds prompts.per.step with signal
 *                                    (DAPO, true, default), or drop them from a fixed draw of prompts.per.step groups
 *                                    so that every configuration draws the same samples per update (false)
 * max.critic.lag                     groups valued by a critic more than this many versions behind the learner's are
 *                                    refused and counted (default 2)
 * truncation                         cap of the importance weight for corrected groups (default 1.0)
 * eval.every, eval.problems          held-out evaluation cadence and size (default 20, 512)
 * device                             cpu | gpu (default cpu): checked against the engine, see docs/deploy.md
 * topics.create, topics.replication  create missing topics at start (true) with this replication (1)
 * policy.model, critic.model         names on the weights topic (policy, critic)
 * prompts.topic, advantages.topic, weights.topic, metrics.topic
 * dead.letter.topics                 comma-separated; a prompt of this run found there frees its admission slot
 *                                    (default: the .dlq topics of prompts, rollouts, scored and advantages)
 * kafka.*                            client settings passed through untouched
 * + the algorithm settings of {@link Algorithm}
 * </pre>
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
                            short topicReplication, List<String> deadLetterTopics) {

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

    public static LearnerConfig fromProperties(Properties p) {
        Algorithm algorithm = Algorithm.fromProperties(p);
        String registry = required(p, "registry.url");
        Path runDir = Path.of(required(p, "run.dir"));
        String mode = p.getProperty("staleness.mode", "correct").toUpperCase(Locale.ROOT);
        StalenessMode staleness;
        try {
            staleness = StalenessMode.valueOf(mode);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("staleness.mode must be correct or drop, got '" + mode.toLowerCase(Locale.ROOT) + "'");
        }
        return new LearnerConfig(required(p, "bootstrap.servers"), SerdeSettings.fromProperties(registry, p), ClientSettings.from(p),
            p.getProperty("run.id", runDir.getFileName().toString()), runDir,
            Path.of(required(p, "base.policy")), Path.of(required(p, "train.data")),
            p.getProperty("heldout.data") == null ? null : Path.of(p.getProperty("heldout.data")),
            BuiltInTask.of(p.getProperty("task", BuiltInTask.DEFAULT.id())), algorithm,
            p.getProperty("prompts.topic", Topics.PROMPTS.name()),
            p.getProperty("advantages.topic", Topics.ADVANTAGES.name()),
            p.getProperty("weights.topic", Topics.WEIGHTS.name()),
            p.getProperty("metrics.topic", Topics.METRICS.name()),
            p.getProperty("policy.model", "policy"), p.getProperty("critic.model", "critic"),
            Algorithm.intOf(p, "max.steps", 300), Algorithm.doubleOf(p, "actor.lr.final", DEFAULT_ACTOR_LR_FINAL),
            Algorithm.intOf(p, "max.prompts.in.flight", 2 * algorithm.promptsPerStep()),
            Algorithm.intOf(p, "max.staleness", 2), staleness, Algorithm.floatOf(p, "truncation", 1.0f),
            Algorithm.intOf(p, "max.critic.lag", 2), booleanOf(p, "dynamic.sampling.refill", true),
            Algorithm.intOf(p, "eval.every", 20), Algorithm.intOf(p, "eval.problems", 512),
            Long.parseLong(p.getProperty("seed", "1")), device(p.getProperty("device", "cpu")),
            Boolean.parseBoolean(p.getProperty("topics.create", "true")),
            (short) Algorithm.intOf(p, "topics.replication", 1), deadLetterTopics(p));
    }

    private static List<String> deadLetterTopics(Properties p) {
        String listed = p.getProperty("dead.letter.topics");
        if (listed != null) {
            return Arrays.stream(listed.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
        return List.of(TopicDescriptor.deadLetterTopicOf(p.getProperty("prompts.topic", Topics.PROMPTS.name())),
            Topics.ROLLOUTS.deadLetterTopic(), Topics.SCORED.deadLetterTopic(),
            TopicDescriptor.deadLetterTopicOf(p.getProperty("advantages.topic", Topics.ADVANTAGES.name())));
    }

    private static boolean booleanOf(Properties p, String key, boolean fallback) {
        String v = p.getProperty(key);
        if (v == null) {
            return fallback;
        }
        if (!v.trim().equals("true") && !v.trim().equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        }
        return v.trim().equals("true");
    }

    private static Device device(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "cpu" -> Device.CPU;
            case "gpu", "cuda" -> Device.GPU;
            default -> throw new IllegalArgumentException("device must be cpu or gpu, got '" + name + "'");
        };
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(key + " is required (--" + key.replace('.', '-') + ")");
        }
        return v;
    }
}
