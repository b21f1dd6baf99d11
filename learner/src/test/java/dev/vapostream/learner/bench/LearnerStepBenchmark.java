package dev.vapostream.learner.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.vapostream.learner.Algorithm;
import dev.vapostream.learner.algo.Permutations;
import dev.vapostream.learner.algo.StepStats;
import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.learner.algo.UpdateSettings;
import dev.vapostream.learner.algo.VapoUpdate;
import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.RunningSumProblem;
import dev.vapostream.model.tokenizer.CharTokenizer;

/**
 * Wall time of one learner update, {@link VapoUpdate#step(TrainingBatch, boolean, long)}, on a
 * synthetic batch of the default run's shape; {@code bench/learner_step_reference.py} times the
 * same step written in plain PyTorch. Not a test (nothing here asserts a time): a main, run by
 * hand.
 *
 * <p>What it builds, all from one seed: the default task's model ({@link BuiltInTask#DEFAULT},
 * {@code defaultModelConfig()}), a freshly initialised policy and a critic made as the learner
 * makes it ({@code policy.newValueModel(seed)}: the policy's trunk with a fresh value head; with
 * {@code --critic.policy.features true}, reading the policy's features as well), the
 * update settings of a default {@code ./vapo train} ({@code Algorithm.fromProperties} of no
 * properties: preset vapo, P prompts × G responses) and a batch of P × G rows: real prompts of the
 * task (terms uniform over the task's range), responses of random alphabet tokens ending in EOS,
 * behaviour log-probs that are the policy's own (so the first ratios are 1, as on-policy),
 * advantages N(0, 1), returns and old values U(0, 1), weights 1, reward 1 (positive) with
 * probability {@code correct}. It then times {@code warmup} + {@code runs} steps with step indices
 * 0, 1, 2, …, printing each timed step, the median and one JSON line
 * {@code {"program":"java","median_ms":…,"runs_ms":[…],"batch":{…}}}.
 *
 * <pre>
 * LearnerStepBenchmark [--warmup 5] [--runs 20] [--value-only] [--lengths task|uniform|L]
 *                      [--correct 0.18] [--task blind-spots] [--dump-batch FILE] [--no-stats]
 *                      [--profile FILE] [--lockstep] [--new-batches]
 *                      [--ALGORITHM-KEY VALUE ...]
 * </pre>
 * Every option is accepted as {@code --key value}, {@code --key=value} or {@code key=value}.
 * <ul>
 *   <li>{@code warmup}, {@code runs}: untimed and timed steps.</li>
 *   <li>{@code value-only}: time {@code step(batch, false, i)} (value pretraining: critic only).</li>
 *   <li>{@code lengths}: {@code task} (default) gives every response of a group the length of the
 *       task's reference solution for its prompt ((terms − 1) · 6 + 3 tokens, 9–93 for
 *       blind-spots), which is what the base policy writes; {@code uniform} draws each response's
 *       length uniformly from [8, the task's response budget]; a number L gives every response L
 *       tokens, with the context widened to hold them (how the step's cost grows with length).</li>
 *   <li>{@code correct}: probability that a response is positive (reward 1, in the LM loss); the
 *       base policy solves 18% of the default task (docs/task.md).</li>
 *   <li>{@code dump-batch}: write the batch, the initial weights of both networks, the settings and
 *       the first step's mini-batch rows as JSON for {@code learner_step_reference.py --batch FILE},
 *       which then times exactly these rows from exactly these weights and can be compared on the
 *       first step's losses (printed here as {@code step 0 stats}).</li>
 *   <li>{@code profile}: record the timed steps with PyTorch's profiler (shapes recorded) and write
 *       its trace, Chrome's trace format, to FILE; {@code bench/profile_summary.py} totals it by
 *       operator, as {@code learner_step_reference.py --profile} does for the PyTorch step.</li>
 *   <li>{@code lockstep}: wait for a line on standard input before each step (warm-up steps
 *       included), so that {@code vapo bench} can step this program and the PyTorch one alternately.</li>
 *   <li>{@code new-batches}: a new batch for every step (drawn from seed + step index) instead of
 *       the same one each time, as a run gets them: what a replay pool or the critic's memory of
 *       the policy's features (docs/model.md) holds then is what a run's would.</li>
 *   <li>Any key of {@link Algorithm#SPEC} ({@code seed}, {@code prompts-per-step},
 *       {@code group-size}, {@code mini-batches}, {@code critic-epochs}, {@code critic-replay}, …;
 *       dashes or dots) overrides the default run's value; {@code seed} (default 1) also seeds
 *       the batch and the weights.</li>
 * </ul>
 * Run with one intra-op and one inter-op thread, as the learner does:
 * <pre>
 * CP="learner/target/test-classes:learner/target/classes:$(cat cli/target/runtime-classpath.txt)"
 * java -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache -Dai.djl.pytorch.num_threads=1 \
 *      -Dai.djl.pytorch.num_interop_threads=1 -cp $CP dev.vapostream.learner.bench.LearnerStepBenchmark
 * </pre>
 */
public final class LearnerStepBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHORTEST_UNIFORM_RESPONSE = 8;

    private LearnerStepBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = parse(args);
        int warmup = Integer.parseInt(take(options, "warmup", "5"));
        int runs = Integer.parseInt(take(options, "runs", "20"));
        boolean valueOnly = Boolean.parseBoolean(take(options, "value.only", "false"));
        String lengths = take(options, "lengths", "task");
        double correct = Double.parseDouble(take(options, "correct", "0.18"));
        BuiltInTask task = BuiltInTask.of(take(options, "task", BuiltInTask.DEFAULT.id()));
        String dump = take(options, "dump.batch", null);
        boolean stats = !Boolean.parseBoolean(take(options, "no.stats", "false"));
        String profile = take(options, "profile", null);
        boolean lockstep = Boolean.parseBoolean(take(options, "lockstep", "false"));
        boolean newBatches = Boolean.parseBoolean(take(options, "new.batches", "false"));
        if (!lengths.equals("task") && !lengths.equals("uniform") && !lengths.matches("[1-9][0-9]*")) {
            throw new IllegalArgumentException("lengths must be task, uniform or a number of tokens, got " + lengths);
        }
        if (runs < 1 || warmup < 0) {
            throw new IllegalArgumentException("runs must be at least 1 and warmup at least 0");
        }
        for (String key : options.keySet()) {
            if (!Algorithm.SPEC.declares(key)) {
                String near = Algorithm.SPEC.nearest(key);
                throw new IllegalArgumentException("unknown option " + key + (near == null ? "" : " (did you mean " + near
                    + "?)"));
            }
        }
        Properties properties = new Properties();
        options.forEach(properties::setProperty);
        Algorithm algorithm = Algorithm.fromProperties(properties);
        UpdateSettings settings = algorithm.update();
        long seed = settings.seed();
        ModelConfig config = task.defaultModelConfig();
        if (fixedLength(lengths) > 0) {
            // Every response L tokens: the context grows to hold them, the network stays the default one.
            config = ModelConfig.of(config.vocabSize(), task.maxPromptTokens() + fixedLength(lengths) - 1, config.layers(),
                config.width(), config.heads()).withResponseStart(task.maxPromptTokens());
        }

        System.out.printf(Locale.ROOT, "engine %s %s, threads %s (interop %s)%n", Engine.getInstance().getEngineName(),
            Engine.getInstance().getVersion(), System.getProperty("ai.djl.pytorch.num_threads", "default"),
            System.getProperty("ai.djl.pytorch.num_interop_threads", "default"));
        System.out.printf(Locale.ROOT, "task %s, %s%n", task.id(), config);
        System.out.printf(Locale.ROOT, "update %s%n", settings);

        try (PolicyModel policy = PolicyModel.initialise(config, seed);
             ValueModel critic = policy.newValueModel(seed, algorithm.criticReadsPolicy())) {
            TrainingBatch batch = batch(task, policy, algorithm.promptsPerStep(), algorithm.groupSize(), lengths, correct,
                seed);
            Map<String, Object> shape = shape(batch, algorithm, lengths, valueOnly);
            System.out.printf(Locale.ROOT, "batch %s%n", json(shape));
            System.out.printf(Locale.ROOT, "policy %d parameters, critic %d parameters%n", policy.parameterCount(),
                critic.parameterCount());
            if (dump != null) {
                dumpBatch(Path.of(dump), batch, policy, critic, settings, config, algorithm, valueOnly, lengths);
                System.out.printf(Locale.ROOT, "wrote %s%n", dump);
            }
            List<TrainingBatch> batches = new ArrayList<>();
            for (int i = 0; i < warmup + runs; i++) {
                batches.add(!newBatches || i == 0 ? batch
                    : batch(task, policy, algorithm.promptsPerStep(), algorithm.groupSize(), lengths, correct, seed + i));
            }
            double[] millis = new double[runs];
            try (VapoUpdate update = new VapoUpdate(policy, critic, settings)) {
                BufferedReader go = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                for (int i = 0; i < warmup + runs; i++) {
                    if (lockstep && go.readLine() == null) {
                        throw new IllegalStateException("--lockstep: input closed before step " + i);
                    }
                    if (i == warmup && profile != null) {
                        JniUtils.startProfile(false, true, false);
                    }
                    long start = System.nanoTime();
                    StepStats s = update.step(batches.get(i), !valueOnly, i);
                    double ms = (System.nanoTime() - start) / 1e6;
                    if (i == 0 && stats) {
                        System.out.printf(Locale.ROOT, "step 0 stats: policy_loss %.6f lm_loss %.6f value_loss %.6f "
                                + "entropy %.6f clip_low %.6f clip_high %.6f approx_kl %.3e actor_grad_norm %.6f "
                                + "critic_grad_norm %.6f%n", s.policyLoss(), s.lmLoss(), s.valueLoss(), s.entropy(),
                            s.clipFractionLow(), s.clipFractionHigh(), s.approxKl(), s.actorGradNorm(), s.criticGradNorm());
                    }
                    if (i < warmup) {
                        System.out.printf(Locale.ROOT, "warm-up step %d: %.1f ms%n", i, ms);
                    } else {
                        millis[i - warmup] = ms;
                        System.out.printf(Locale.ROOT, "step %d: %.1f ms%n", i, ms);
                    }
                }
                if (profile != null) {
                    JniUtils.stopProfile(profile);
                    System.out.printf(Locale.ROOT, "wrote the engine's profile of the timed steps to %s%n", profile);
                }
            }
            double median = median(millis);
            System.out.printf(Locale.ROOT, "median %.1f ms over %d steps (%s)%n", median, runs,
                valueOnly ? "critic only" : "policy + critic");
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("program", "java");
            result.put("median_ms", round(median));
            result.put("runs_ms", round(millis));
            result.put("batch", shape);
            result.put("new_batches", newBatches);
            result.put("threads", System.getProperty("ai.djl.pytorch.num_threads", "default"));
            System.out.println(json(result));
        }
    }

    /** The synthetic batch: P groups of G responses, everything drawn from {@code seed}. */
    static TrainingBatch batch(BuiltInTask task, PolicyModel policy, int promptCount, int groupSize, String lengths,
                               double correct, long seed) {
        CharTokenizer tokenizer = BuiltInTask.tokenizer();
        SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        int firstChar = CharTokenizer.EOS + 1;
        int alphabet = tokenizer.vocabSize() - firstChar;
        List<int[]> prompts = new ArrayList<>();
        List<int[]> responses = new ArrayList<>();
        for (int p = 0; p < promptCount; p++) {
            int termCount = random.nextInt(task.minTerms(), task.maxTerms() + 1);
            int[] terms = new int[termCount];
            for (int t = 0; t < termCount; t++) {
                terms[t] = random.nextInt(1, 10);
            }
            int[] prompt = tokenizer.encodePrompt(new RunningSumProblem(terms).prompt());
            for (int g = 0; g < groupSize; g++) {
                int length = switch (lengths) {
                    case "task" -> RunningSumProblem.responseTokens(termCount);
                    case "uniform" -> random.nextInt(SHORTEST_UNIFORM_RESPONSE, task.maxResponseTokens() + 1);
                    default -> fixedLength(lengths);
                };
                int[] response = new int[length];
                for (int j = 0; j + 1 < length; j++) {
                    response[j] = firstChar + random.nextInt(alphabet);
                }
                response[length - 1] = CharTokenizer.EOS;
                prompts.add(prompt);
                responses.add(response);
            }
        }
        int n = responses.size();
        float[][] behaviour = ownLogProbs(policy, prompts, responses);
        float[][] advantages = new float[n][];
        float[][] returns = new float[n][];
        float[][] oldValues = new float[n][];
        float[][] weights = new float[n][];
        double[] rewards = new double[n];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
            int length = responses.get(i).length;
            advantages[i] = new float[length];
            returns[i] = new float[length];
            oldValues[i] = new float[length];
            weights[i] = new float[length];
            for (int t = 0; t < length; t++) {
                advantages[i][t] = (float) gaussian(random);
                returns[i][t] = (float) random.nextDouble();
                oldValues[i][t] = (float) random.nextDouble();
                weights[i][t] = 1f;
            }
            positive[i] = random.nextDouble() < correct;
            rewards[i] = positive[i] ? 1.0 : 0.0;
        }
        return new TrainingBatch(prompts, responses, behaviour, advantages, returns, oldValues, weights, rewards, positive);
    }

    /** The length every response has when {@code lengths} is a number, else 0. */
    private static int fixedLength(String lengths) {
        return lengths.matches("[0-9]+") ? Integer.parseInt(lengths) : 0;
    }

    /** log π(token) of every response token under {@code policy}, as the generator would have recorded them. */
    private static float[][] ownLogProbs(PolicyModel policy, List<int[]> prompts, List<int[]> responses) {
        try (NoGradient ignored = NoGradient.enter(); NDManager manager = NDManager.newBaseManager()) {
            NDArray logProbs = policy.score(manager, prompts, responses).logProbs();
            int width = Math.toIntExact(logProbs.getShape().get(1));
            float[] flat = logProbs.toFloatArray();
            float[][] out = new float[responses.size()][];
            for (int i = 0; i < out.length; i++) {
                out[i] = Arrays.copyOfRange(flat, i * width, i * width + responses.get(i).length);
            }
            return out;
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box–Muller, spelled out so the draw does not depend on the JDK's nextGaussian algorithm.
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    private static Map<String, Object> shape(TrainingBatch batch, Algorithm algorithm, String lengths, boolean valueOnly) {
        int widestPrompt = 0;
        long promptTokens = 0;
        for (int[] p : batch.prompts()) {
            widestPrompt = Math.max(widestPrompt, p.length);
            promptTokens += p.length;
        }
        int[] l = batch.lengths();
        int widest = Arrays.stream(l).max().orElse(0);
        int shortest = Arrays.stream(l).min().orElse(0);
        int positives = 0;
        for (boolean b : batch.positive()) {
            positives += b ? 1 : 0;
        }
        UpdateSettings u = algorithm.update();
        Map<String, Object> shape = new LinkedHashMap<>();
        shape.put("rows", batch.size());
        shape.put("prompts", algorithm.promptsPerStep());
        shape.put("group", algorithm.groupSize());
        shape.put("tokens", batch.tokens());
        shape.put("prompt_tokens", promptTokens);
        shape.put("widest_response", widest);
        shape.put("shortest_response", shortest);
        shape.put("widest_prompt", widestPrompt);
        shape.put("positive", positives);
        shape.put("lengths", lengths);
        shape.put("mode", valueOnly ? "value-only" : "policy+critic");
        shape.put("epochs", u.epochs());
        shape.put("mini_batches", u.miniBatches());
        shape.put("critic_epochs", u.criticEpochs());
        shape.put("critic_mini_batches", u.criticMiniBatches());
        shape.put("critic_replay", u.criticReplay());
        return shape;
    }

    /**
     * The mini-batch rows of step {@code stepIndex} exactly as {@code VapoUpdate} draws them (same
     * seed expression, same permutations, same cut), for the Python side to check its port of
     * SplittableRandom against. Only valid with critic replay 1 (no replay draw in between).
     */
    private static Map<String, Object> miniBatchRows(UpdateSettings s, int n, long stepIndex, boolean trainPolicy) {
        SplittableRandom shuffle = new SplittableRandom(s.seed() * 0x9E3779B97F4A7C15L + stepIndex);
        List<int[]> policyRows = new ArrayList<>();
        if (trainPolicy) {
            for (int e = 0; e < s.epochs(); e++) {
                policyRows.addAll(cut(Permutations.of(n, shuffle), s.miniBatches()));
            }
        }
        List<int[]> criticRows = new ArrayList<>();
        for (int e = 0; e < s.criticEpochs(); e++) {
            criticRows.addAll(cut(Permutations.of(n, shuffle), s.criticMiniBatches()));
        }
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put("step_index", stepIndex);
        rows.put("policy", policyRows);
        rows.put("critic", criticRows);
        return rows;
    }

    private static List<int[]> cut(int[] order, int count) {
        int n = order.length;
        int parts = Math.min(count, n);
        List<int[]> out = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            out.add(Arrays.copyOfRange(order, p * n / parts, (p + 1) * n / parts));
        }
        return out;
    }

    private static void dumpBatch(Path file, TrainingBatch batch, PolicyModel policy, ValueModel critic,
                                  UpdateSettings s, ModelConfig config, Algorithm algorithm, boolean valueOnly,
                                  String lengths) throws IOException {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("vocab_size", config.vocabSize());
        model.put("context_length", config.contextLength());
        model.put("layers", config.layers());
        model.put("width", config.width());
        model.put("heads", config.heads());
        model.put("mlp_width", config.mlpWidth());
        model.put("response_start", config.responseStart());
        Map<String, Object> update = new LinkedHashMap<>();
        update.put("aggregation", s.aggregation().name());
        update.put("eps_low", s.epsLow());
        update.put("eps_high", s.epsHigh());
        update.put("lm_coefficient", s.lmCoefficient());
        update.put("value_clip", s.valueClip());
        update.put("actor_lr", s.actorLr());
        update.put("critic_lr", s.criticLr());
        update.put("weight_decay", s.weightDecay());
        update.put("max_grad_norm", s.maxGradNorm());
        update.put("epochs", s.epochs());
        update.put("mini_batches", s.miniBatches());
        update.put("critic_epochs", s.criticEpochs());
        update.put("critic_mini_batches", s.criticMiniBatches());
        update.put("critic_replay", s.criticReplay());
        update.put("seed", s.seed());
        Map<String, Object> rows = new LinkedHashMap<>();
        rows.put("prompts", batch.prompts());
        rows.put("responses", batch.responses());
        rows.put("behaviour", batch.behaviour());
        rows.put("advantages", batch.advantages());
        rows.put("returns", batch.returns());
        rows.put("old_values", batch.oldValues());
        rows.put("weights", batch.weights());
        rows.put("rewards", batch.rewards());
        rows.put("positive", batch.positive());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model);
        out.put("update", update);
        out.put("prompts_per_step", algorithm.promptsPerStep());
        out.put("group_size", algorithm.groupSize());
        out.put("lengths", lengths);
        out.put("batch", rows);
        out.put("policy_weights", weights(policy.parameterNames(), policy.parameters()));
        out.put("critic_weights", weights(critic.parameterNames(), critic.parameters()));
        if (s.criticReplay() == 1) {
            out.put("mini_batch_check", miniBatchRows(s, batch.size(), 0, !valueOnly));
        }
        JSON.writeValue(file.toFile(), out);
    }

    private static Map<String, Object> weights(List<String> names, List<NDArray> arrays) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> tensor = new LinkedHashMap<>();
            tensor.put("shape", arrays.get(i).getShape().getShape());
            tensor.put("values", arrays.get(i).toFloatArray());
            out.put(names.get(i), tensor);
        }
        return out;
    }

    // ---- options and output -------------------------------------------------------------------

    /** {@code --key value}, {@code --key=value}, {@code key=value} or a bare {@code --flag}; keys with dots for dashes. */
    static Map<String, String> parse(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String key;
            String value;
            if (arg.startsWith("--")) {
                String body = arg.substring(2);
                int eq = body.indexOf('=');
                if (eq >= 0) {
                    key = body.substring(0, eq);
                    value = body.substring(eq + 1);
                } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                    key = body;
                    value = args[++i];
                } else {
                    key = body;
                    value = "true";
                }
            } else {
                int eq = arg.indexOf('=');
                if (eq < 0) {
                    throw new IllegalArgumentException("expected --key value or key=value, got " + arg);
                }
                key = arg.substring(0, eq);
                value = arg.substring(eq + 1);
            }
            options.put(key.replace('-', '.'), value);
        }
        return options;
    }

    private static String take(Map<String, String> options, String key, String fallback) {
        String value = options.remove(key);
        return value == null ? fallback : value;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }

    private static double[] round(double[] ms) {
        double[] out = new double[ms.length];
        for (int i = 0; i < ms.length; i++) {
            out[i] = round(ms[i]);
        }
        return out;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
