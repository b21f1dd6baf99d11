package dev.vapostream.learner.experiments;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;
import dev.vapostream.learner.Algorithm;
import dev.vapostream.learner.algo.StepStats;
import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.learner.algo.ValuePretrainGate;
import dev.vapostream.learner.algo.VapoUpdate;
import dev.vapostream.learner.algo.Whitening;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.ValueScores;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.eval.EvalReport;
import dev.vapostream.model.eval.Evaluator;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.answer.FinalAnswer;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.tokenizer.CharTokenizer;

/**
 * RL without Kafka, to separate the algorithm from the pipeline (docs/results.md). Each step
 * samples P × G responses from the current policy, judges them with {@link FinalAnswer},
 * computes advantages as the advantage stage would for the resolved {@link Algorithm} (GAE
 * against a critic with VAPO's length-adaptive λ, decoupled or fixed λ, or group-normalised),
 * drops all-equal groups when dynamic sampling is on (without drawing more: every configuration
 * draws the same samples per step), normalises, and runs {@link VapoUpdate}. Value pretraining
 * ends by the learner's explained-variance gate. Held-out accuracy, overall and on the problems
 * tagged hard, on a fixed set with a fixed sampling seed. Not a test: a main, run by hand.
 *
 * <pre>
 * ./mvnw -B -q -pl learner test-compile
 * java -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache -Dai.djl.pytorch.num_threads=1 \
 *      -Dai.djl.pytorch.num_interop_threads=1 -cp "learner/target/test-classes:learner/target/classes:LIBS" \
 *      dev.vapostream.learner.experiments.InProcessRl preset=vapo steps=150 out=runs/inproc/vapo-1.jsonl
 * </pre>
 *
 * Keys (key=value): task, weights, data, steps (policy updates), evalEvery, evalN, alpha (VAPO's
 * length coefficient, default 1), lambda (fixed λ_policy of decoupled and ppo, default 0.95),
 * out (JSONL of evaluations), save (final policy), and every learner algorithm setting in its
 * property form (preset, seed, value.pretrain.steps, critic.epochs, whitening, dynamic.sampling, ...).
 */
public final class InProcessRl {
    private static final long EVAL_SEED = 12345;

    private final Map<String, String> args;
    private final Algorithm algorithm;
    private final BuiltInTask task;
    private final double alpha;
    private final double fixedLambda;
    private final CharTokenizer tokenizer = BuiltInTask.tokenizer();

    private InProcessRl(Map<String, String> args) {
        this.args = args;
        Properties p = new Properties();
        args.forEach(p::setProperty);
        this.algorithm = Algorithm.fromProperties(p);
        this.task = BuiltInTask.of(args.getOrDefault("task", BuiltInTask.DEFAULT.id()));
        this.alpha = Double.parseDouble(args.getOrDefault("alpha", "1.0"));
        this.fixedLambda = Double.parseDouble(args.getOrDefault("lambda", "0.95"));
    }

    public static void main(String[] argv) throws Exception {
        new InProcessRl(ExperimentArgs.parse(argv).values()).run();
    }

    private void run() throws IOException {
        int steps = Integer.parseInt(args.getOrDefault("steps", "150"));
        int evalEvery = Integer.parseInt(args.getOrDefault("evalEvery", "10"));
        int evalN = Integer.parseInt(args.getOrDefault("evalN", "256"));
        long seed = Long.parseLong(args.getOrDefault("seed", "1"));
        Path data = Path.of(args.getOrDefault("data", "data/" + task.id()));
        List<TaskExample> train = JsonlDataset.read(data.resolve(JsonlDataset.TRAIN_FILE));
        List<TaskExample> heldOut = JsonlDataset.read(data.resolve(JsonlDataset.HELD_OUT_FILE)).subList(0, evalN);
        Path weights = Path.of(args.getOrDefault("weights", "runs/base/" + task.id() + "/policy.weights"));
        PrintWriter out = args.containsKey("out") ? openOut(Path.of(args.get("out"))) : null;
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(weights));
             ValueModel critic = algorithm.newCritic(policy, seed);
             VapoUpdate update = new VapoUpdate(policy, critic, algorithm.update())) {
            Evaluator evaluator = Evaluator.forTask(task, 128);
            ValuePretrainGate gate = new ValuePretrainGate(algorithm.valuePretraining(), List.of());
            long started = System.nanoTime();
            long samples = 0;
            long filtered = 0;
            System.out.printf("settings %s%nalgorithm %s%n", args, algorithm.describe());
            record(out, 0, 0, 0, 0, evaluator.evaluate(policy, heldOut, task.samplingSettings(), EVAL_SEED), started);
            SplittableRandom random = new SplittableRandom(seed);
            Sampler sampler = new Sampler(policy);
            int policySteps = 0;
            for (int step = 1; policySteps < steps; step++) {
                boolean trainPolicy = gate.done();
                long t0 = System.nanoTime();
                Rollouts r = sample(sampler, train, random);
                long t1 = System.nanoTime();
                samples += r.n();
                float[][] values = values(critic, r);
                long t2 = System.nanoTime();
                Signals sig = signals(r, values);
                double ev = Whitening.explainedVariance(sig.returns, values, r.lengths);
                double evHard = Whitening.explainedVariance(sig.returns, values, r.lengths, r.hard);
                TrainingBatch batch = batch(r, sig, values);
                if (batch == null) {
                    filtered += algorithm.promptsPerStep();
                    continue;
                }
                filtered += (r.n() - batch.size()) / algorithm.groupSize();
                Whitening.apply(algorithm.update().whitening(), batch.advantages(), batch.lengths());
                long t3 = System.nanoTime();
                StepStats s = update.step(batch, trainPolicy, step);
                long t4 = System.nanoTime();
                String phase = trainPolicy ? "policy" : "value";
                if (trainPolicy) {
                    policySteps++;
                } else if (gate.record(ev)) {
                    System.out.printf(Locale.ROOT, "value pretraining done after %d steps (%s): ev %.3f best %.3f%n",
                        gate.steps(), gate.reason(), gate.movingAverage(), gate.best());
                }
                String eval = "";
                if (trainPolicy && (policySteps % evalEvery == 0 || policySteps == steps)) {
                    EvalReport report = evaluator.evaluate(policy, heldOut, task.samplingSettings(), EVAL_SEED);
                    record(out, policySteps, gate.steps(), samples, filtered, report, started);
                    eval = " held-out " + report.summary();
                }
                System.out.printf(Locale.ROOT, "step %d %s %d reward %.3f length %.1f entropy %.3f kl %.4f clip %.3f/%.3f"
                        + " lm %.3f vloss %.4f ev %.3f hard %.3f samples %d filtered %d %.2f min"
                        + " (sample %.3f s, critic %.3f s, advantages %.3f s, update %.3f s)%s%n",
                    step, phase, policySteps, Arrays.stream(r.rewards).average().orElse(0),
                    Arrays.stream(r.lengths).average().orElse(0), s.entropy(), s.approxKl(), s.clipFractionLow(),
                    s.clipFractionHigh(), s.lmLoss(), s.valueLoss(), ev, evHard, samples, filtered,
                    (System.nanoTime() - started) / 60e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9,
                    (t4 - t3) / 1e9, eval);
            }
            if (args.containsKey("save")) {
                Files.write(Path.of(args.get("save")), policy.encodeWeights());
            }
        } finally {
            if (out != null) {
                out.close();
            }
        }
    }

    private record Rollouts(List<int[]> prompts, List<int[]> responses, float[][] behaviour, int[] lengths,
                            double[] rewards, boolean[] positive, boolean[] hard) {
        int n() {
            return responses.size();
        }
    }

    private record Signals(float[][] advantages, float[][] returns) {
    }

    private Rollouts sample(Sampler sampler, List<TaskExample> train, SplittableRandom random) {
        List<int[]> prompts = new ArrayList<>();
        List<TaskExample> examples = new ArrayList<>();
        for (int p = 0; p < algorithm.promptsPerStep(); p++) {
            TaskExample ex = train.get(random.nextInt(train.size()));
            int[] tokens = tokenizer.encodePrompt(ex.prompt());
            for (int g = 0; g < algorithm.groupSize(); g++) {
                prompts.add(tokens);
                examples.add(ex);
            }
        }
        List<SampledResponse> samples = sampler.sample(prompts, task.samplingSettings(), random.nextLong());
        int n = samples.size();
        List<int[]> responses = new ArrayList<>(n);
        float[][] behaviour = new float[n][];
        int[] lengths = new int[n];
        double[] rewards = new double[n];
        boolean[] positive = new boolean[n];
        boolean[] hard = new boolean[n];
        for (int i = 0; i < n; i++) {
            responses.add(samples.get(i).tokens());
            behaviour[i] = samples.get(i).logProbs();
            lengths[i] = samples.get(i).length();
            positive[i] = FinalAnswer.judge(tokenizer.decode(samples.get(i).tokens()), examples.get(i).answer())
                == FinalAnswer.Verdict.CORRECT;
            rewards[i] = positive[i] ? 1 : 0;
            hard[i] = examples.get(i).hasTag(BuiltInTask.HARD_TAG);
        }
        return new Rollouts(prompts, responses, behaviour, lengths, rewards, positive, hard);
    }

    private float[][] values(ValueModel critic, Rollouts r) {
        float[][] values = new float[r.n()][];
        if (critic == null) {
            for (int i = 0; i < r.n(); i++) {
                values[i] = new float[r.lengths[i]];
            }
            return values;
        }
        // One group per pass, as the advantage stage values them: one pass over all P x G rows ran up to
        // ten times slower per row (docs/benchmarks.md, "Async pipeline vs a synchronous loop").
        int group = algorithm.groupSize();
        for (int from = 0; from < r.n(); from += group) {
            int to = Math.min(r.n(), from + group);
            try (NoGradient ignored = NoGradient.enter(); NDManager m = NDManager.newBaseManager()) {
                ValueScores scores = critic.score(m, r.prompts.subList(from, to), r.responses.subList(from, to));
                float[] flat = scores.values().toFloatArray();
                int width = (int) scores.values().getShape().get(1);
                for (int i = from; i < to; i++) {
                    values[i] = Arrays.copyOfRange(flat, (i - from) * width, (i - from) * width + r.lengths[i]);
                }
            }
        }
        return values;
    }

    /** Advantages and value targets as the advantage stage computes them for the algorithm's estimator. */
    private Signals signals(Rollouts r, float[][] values) {
        int n = r.n();
        float[][] advantages = new float[n][];
        float[][] returns = new float[n][];
        String estimator = algorithm.estimator();
        for (int i = 0; i < n; i++) {
            int l = r.lengths[i];
            advantages[i] = new float[l];
            returns[i] = new float[l];
            if (estimator.equals("grpo")) {
                Arrays.fill(returns[i], (float) r.rewards[i]);
                continue;
            }
            double policyLambda = switch (estimator) {
                case "vapo" -> Math.max(0.0, 1.0 - 1.0 / (alpha * l));
                default -> fixedLambda;
            };
            double criticLambda = estimator.equals("ppo") ? fixedLambda : 1.0;
            terminalGae(r.rewards[i], values[i], policyLambda, advantages[i]);
            float[] criticAdvantages = new float[l];
            terminalGae(r.rewards[i], values[i], criticLambda, criticAdvantages);
            for (int t = 0; t < l; t++) {
                returns[i][t] = criticAdvantages[t] + values[i][t];
            }
        }
        if (estimator.equals("grpo")) {
            int g = algorithm.groupSize();
            for (int start = 0; start < n; start += g) {
                double mean = 0;
                for (int j = 0; j < g; j++) {
                    mean += r.rewards[start + j] / g;
                }
                double var = 0;
                for (int j = 0; j < g; j++) {
                    var += (r.rewards[start + j] - mean) * (r.rewards[start + j] - mean) / (g - 1);
                }
                for (int j = 0; j < g; j++) {
                    Arrays.fill(advantages[start + j], (float) ((r.rewards[start + j] - mean) / (Math.sqrt(var) + 1e-6)));
                }
            }
        }
        return new Signals(advantages, returns);
    }

    private static void terminalGae(double reward, float[] values, double lambda, float[] out) {
        int last = values.length - 1;
        double adv = reward - values[last];
        out[last] = (float) adv;
        for (int t = last - 1; t >= 0; t--) {
            adv = values[t + 1] - values[t] + lambda * adv;
            out[t] = (float) adv;
        }
    }

    /** The batch to train on: every group, or with dynamic sampling those whose rewards differ (null if none). */
    private TrainingBatch batch(Rollouts r, Signals sig, float[][] values) {
        int g = algorithm.groupSize();
        List<Integer> rows = new ArrayList<>();
        for (int start = 0; start < r.n(); start += g) {
            boolean mixed = false;
            for (int j = 1; j < g; j++) {
                mixed |= r.rewards[start + j] != r.rewards[start];
            }
            if (mixed || !algorithm.dynamicSampling()) {
                for (int j = 0; j < g; j++) {
                    rows.add(start + j);
                }
            }
        }
        if (rows.isEmpty()) {
            return null;
        }
        int m = rows.size();
        List<int[]> prompts = new ArrayList<>(m);
        List<int[]> responses = new ArrayList<>(m);
        float[][] behaviour = new float[m][];
        float[][] advantages = new float[m][];
        float[][] returns = new float[m][];
        float[][] old = new float[m][];
        float[][] weights = new float[m][];
        double[] rewards = new double[m];
        boolean[] positive = new boolean[m];
        for (int k = 0; k < m; k++) {
            int i = rows.get(k);
            prompts.add(r.prompts.get(i));
            responses.add(r.responses.get(i));
            behaviour[k] = r.behaviour[i];
            advantages[k] = sig.advantages[i];
            returns[k] = sig.returns[i];
            old[k] = values[i];
            weights[k] = new float[r.lengths[i]];
            Arrays.fill(weights[k], 1f);
            rewards[k] = r.rewards[i];
            positive[k] = r.positive[i];
        }
        return new TrainingBatch(prompts, responses, behaviour, advantages, returns, old, weights, rewards, positive);
    }

    private static PrintWriter openOut(Path file) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        return new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    }

    private static void record(PrintWriter out, int policySteps, int valueSteps, long samples, long filtered,
                               EvalReport report, long started) {
        System.out.printf("policy step %d held-out %s%n", policySteps, report.summary());
        if (out == null) {
            return;
        }
        out.printf(Locale.ROOT, "{\"policyStep\":%d,\"valueSteps\":%d,\"samples\":%d,\"filteredGroups\":%d,\"heldOut\":%.4f,"
                + "\"hard\":%.4f,\"seconds\":%.1f}%n", policySteps, valueSteps, samples, filtered, report.accuracy(),
            report.hard().accuracy(), (System.nanoTime() - started) / 1e9);
        out.flush();
    }
}
