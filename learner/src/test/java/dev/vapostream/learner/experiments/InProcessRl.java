package dev.vapostream.learner.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import ai.djl.ndarray.NDManager;
import dev.vapostream.learner.algo.Aggregation;
import dev.vapostream.learner.algo.StepStats;
import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.learner.algo.UpdateSettings;
import dev.vapostream.learner.algo.VapoUpdate;
import dev.vapostream.learner.algo.Whitening;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.ValueScores;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.pretrain.EvalReport;
import dev.vapostream.model.pretrain.Evaluator;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.FinalAnswer;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.tokenizer.CharTokenizer;

/**
 * RL without Kafka, to separate the algorithm from the pipeline (docs/results.md): sample P × G
 * responses from the current policy, judge them with {@link FinalAnswer}, compute advantages
 * (group-normalised like GRPO, or GAE against a critic with VAPO's length-adaptive λ), whiten, run
 * {@link VapoUpdate}, and report held-out accuracy on a fixed set of problems with a fixed
 * sampling seed. Not a test: a main, run by hand.
 *
 * <pre>
 * ./mvnw -B -q -pl learner test-compile
 * java -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache -Dai.djl.pytorch.num_threads=1 \
 *      -Dai.djl.pytorch.num_interop_threads=1 -cp "learner/target/test-classes:learner/target/classes:LIBS/*" \
 *      dev.vapostream.learner.experiments.InProcessRl est=grpo steps=150 P=16 G=16 mu=0.1
 * </pre>
 *
 * Keys (key=value): est (grpo | gae), weights, data, steps, P, G, alr, clr, epochs, mb, mu, vps
 * (value-pretraining steps, gae only), alpha (length-adaptive λ), agg (TOKEN | SEQUENCE), epsLow,
 * epsHigh, evalEvery, evalN, seed, pool and maxTerms (restrict training to the first {@code pool}
 * problems of 3..maxTerms terms and evaluate on them: the "can it learn at all" check), save.
 */
public final class InProcessRl {
    private InProcessRl() {
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : argv) {
            String[] kv = s.split("=", 2);
            a.put(kv[0], kv[1]);
        }
        String est = a.getOrDefault("est", "grpo");
        int steps = Integer.parseInt(a.getOrDefault("steps", "40"));
        int prompts = Integer.parseInt(a.getOrDefault("P", "8"));
        int group = Integer.parseInt(a.getOrDefault("G", "16"));
        int vps = Integer.parseInt(a.getOrDefault("vps", "10"));
        double alpha = Double.parseDouble(a.getOrDefault("alpha", "1.0"));
        int evalEvery = Integer.parseInt(a.getOrDefault("evalEvery", "10"));
        int evalN = Integer.parseInt(a.getOrDefault("evalN", "256"));
        long seed = Long.parseLong(a.getOrDefault("seed", "7"));
        Path data = Path.of(a.getOrDefault("data", "data"));
        UpdateSettings settings = new UpdateSettings(Aggregation.valueOf(a.getOrDefault("agg", "TOKEN")),
            Float.parseFloat(a.getOrDefault("epsLow", "0.2")), Float.parseFloat(a.getOrDefault("epsHigh", "0.28")),
            Float.parseFloat(a.getOrDefault("mu", "0.1")), Float.parseFloat(a.getOrDefault("vclip", "0.2")), Float.parseFloat(a.getOrDefault("alr", "3e-4")),
            Float.parseFloat(a.getOrDefault("clr", "1e-3")), 0f, 1f, Integer.parseInt(a.getOrDefault("epochs", "1")),
            Integer.parseInt(a.getOrDefault("mb", "2")), true, seed);

        List<TaskExample> train = JsonlDataset.read(data.resolve(JsonlDataset.TRAIN_FILE));
        List<TaskExample> heldOut = JsonlDataset.read(data.resolve(JsonlDataset.HELD_OUT_FILE)).subList(0, evalN);
        int pool = Integer.parseInt(a.getOrDefault("pool", "0"));
        if (pool > 0) {
            int maxTerms = Integer.parseInt(a.getOrDefault("maxTerms", "10"));
            List<TaskExample> few = new ArrayList<>();
            for (TaskExample ex : train) {
                int terms = ex.prompt().split("[+-]").length;
                if (terms >= 3 && terms <= maxTerms && few.size() < pool) {
                    few.add(ex);
                }
            }
            train = few;
            heldOut = few;
        }
        CharTokenizer tokenizer = BuiltInTask.tokenizer();
        try (PolicyModel policy = PolicyModel.fromWeights(
                 Files.readAllBytes(Path.of(a.getOrDefault("weights", "runs/base/policy.weights"))));
             ValueModel critic = est.equals("gae") ? policy.newValueModel(seed) : null;
             VapoUpdate update = new VapoUpdate(policy, critic, settings)) {
            Evaluator evaluator = new Evaluator(tokenizer, 128);
            long started = System.nanoTime();
            EvalReport before = evaluator.evaluate(policy, heldOut, BuiltInTask.samplingSettings(), 12345);
            System.out.printf("settings %s%nstep 0 held-out %s%n", a, before.summary());
            SplittableRandom random = new SplittableRandom(seed);
            Sampler sampler = new Sampler(policy);
            int total = (critic == null ? 0 : vps) + steps;
            for (int step = 1; step <= total; step++) {
                boolean trainPolicy = critic == null || step > vps;
                List<int[]> promptRows = new ArrayList<>();
                List<String> answers = new ArrayList<>();
                for (int p = 0; p < prompts; p++) {
                    TaskExample ex = train.get(random.nextInt(train.size()));
                    int[] tokens = tokenizer.encodePrompt(ex.prompt());
                    for (int g = 0; g < group; g++) {
                        promptRows.add(tokens);
                        answers.add(ex.answer());
                    }
                }
                List<SampledResponse> samples = sampler.sample(promptRows, BuiltInTask.samplingSettings(), random.nextLong());
                int n = samples.size();
                List<int[]> responses = new ArrayList<>(n);
                double[] rewards = new double[n];
                boolean[] positive = new boolean[n];
                int[] lengths = new int[n];
                for (int i = 0; i < n; i++) {
                    responses.add(samples.get(i).tokens());
                    lengths[i] = samples.get(i).length();
                    positive[i] = FinalAnswer.judge(tokenizer.decode(samples.get(i).tokens()), answers.get(i))
                        == FinalAnswer.Verdict.CORRECT;
                    rewards[i] = positive[i] ? 1 : 0;
                }
                float[][] values = new float[n][];
                if (critic != null) {
                    try (NoGradient ignored = NoGradient.enter(); NDManager m = NDManager.newBaseManager()) {
                        ValueScores scores = critic.score(m, promptRows, responses);
                        float[] flat = scores.values().toFloatArray();
                        int width = (int) scores.values().getShape().get(1);
                        for (int i = 0; i < n; i++) {
                            values[i] = Arrays.copyOfRange(flat, i * width, i * width + lengths[i]);
                        }
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        values[i] = new float[lengths[i]];
                    }
                }
                float[][] advantages = new float[n][];
                float[][] returns = new float[n][];
                float[][] behaviour = new float[n][];
                float[][] weights = new float[n][];
                for (int i = 0; i < n; i++) {
                    behaviour[i] = samples.get(i).logProbs();
                    weights[i] = new float[lengths[i]];
                    Arrays.fill(weights[i], 1f);
                    returns[i] = new float[lengths[i]];
                    Arrays.fill(returns[i], (float) rewards[i]);
                    advantages[i] = new float[lengths[i]];
                    if (critic != null) {
                        double lambda = Math.min(Math.max(1 - 1 / (alpha * lengths[i]), 0), 1);
                        double adv = rewards[i] - values[i][lengths[i] - 1];
                        advantages[i][lengths[i] - 1] = (float) adv;
                        for (int t = lengths[i] - 2; t >= 0; t--) {
                            adv = values[i][t + 1] - values[i][t] + lambda * adv;
                            advantages[i][t] = (float) adv;
                        }
                    }
                }
                if (critic == null) {
                    for (int g0 = 0; g0 < n; g0 += group) {
                        double mean = 0;
                        for (int j = 0; j < group; j++) {
                            mean += rewards[g0 + j] / group;
                        }
                        double var = 0;
                        for (int j = 0; j < group; j++) {
                            var += (rewards[g0 + j] - mean) * (rewards[g0 + j] - mean) / Math.max(1, group - 1);
                        }
                        for (int j = 0; j < group; j++) {
                            Arrays.fill(advantages[g0 + j], (float) ((rewards[g0 + j] - mean) / (Math.sqrt(var) + 1e-6)));
                        }
                    }
                }
                double explained = Whitening.explainedVariance(returns, values, lengths);
                Whitening.whiten(advantages, lengths);
                StepStats s = update.step(new TrainingBatch(promptRows, responses, behaviour, advantages, returns,
                    values, weights, rewards, positive), trainPolicy, step);
                String eval = "";
                if (step % evalEvery == 0 || step == total) {
                    eval = " held-out " + evaluator.evaluate(policy, heldOut, BuiltInTask.samplingSettings(), 12345).summary();
                }
                System.out.printf("step %d %s reward %.3f length %.1f entropy %.3f kl %.4f clip %.3f/%.3f lm %.3f ev %.2f %.2f min%s%n",
                    step, trainPolicy ? "policy" : "value", Arrays.stream(rewards).average().orElse(0),
                    Arrays.stream(lengths).average().orElse(0), s.entropy(), s.approxKl(), s.clipFractionLow(),
                    s.clipFractionHigh(), s.lmLoss(), explained, (System.nanoTime() - started) / 60e9, eval);
            }
            if (a.containsKey("save")) {
                Files.write(Path.of(a.get("save")), policy.encodeWeights());
            }
        }
    }
}
