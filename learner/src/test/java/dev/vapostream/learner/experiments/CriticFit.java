package dev.vapostream.learner.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Function;

import ai.djl.ndarray.NDManager;
import dev.vapostream.learner.algo.CriticReplay;
import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.learner.algo.UpdateSettings;
import dev.vapostream.learner.algo.VapoUpdate;
import dev.vapostream.learner.algo.Whitening;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.answer.FinalAnswer;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.tokenizer.CharTokenizer;

/**
 * How fast and how far the critic can learn the value of the fixed base policy (docs/results.md):
 * samples {@code train} batches and {@code test} batches of P × G responses from the base once,
 * then trains a critic (trunk copied from the base, fresh head) on Monte-Carlo returns of the
 * training batches in order, batch after batch as value pretraining would, for {@code passes}
 * passes, and reports the explained variance on the test batches after every {@code every}
 * batches. Not a test: a main, run by hand. Keys: task, weights, data, train, test, passes,
 * every, clr, cepochs, cmb, vclip, seed, bayes, init, layers, width, trunk, replay, and critic (a
 * critic's weights file to start from, e.g. a run's checkpoint; with train=0 it only measures it).
 */
public final class CriticFit {
    private CriticFit() {
    }

    public static void main(String[] argv) throws Exception {
        ExperimentArgs a = ExperimentArgs.parse(argv);
        BuiltInTask task = a.task();
        int trainBatches = a.integer("train", 60);
        int testBatches = a.integer("test", 8);
        int passes = a.integer("passes", 1);
        int every = a.integer("every", 10);
        long seed = a.longInteger("seed", 1);
        UpdateSettings settings = UpdateSettings.vapo(seed)
            .withLearningRates(3e-4f, a.real("clr", 1e-3f))
            .withCriticSchedule(a.integer("cepochs", 2), a.integer("cmb", 4));
        settings = new UpdateSettings(settings.aggregation(), settings.epsLow(), settings.epsHigh(), settings.lmCoefficient(),
            a.real("vclip", 0.2f), settings.actorLr(), settings.criticLr(), settings.weightDecay(),
            settings.maxGradNorm(), settings.epochs(), settings.miniBatches(), settings.criticEpochs(),
            settings.criticMiniBatches(), settings.criticReplay(), settings.criticRedraw(), settings.whitening(), seed);
        List<TaskExample> train = a.trainExamples();
        CharTokenizer tokenizer = BuiltInTask.tokenizer();
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(a.baseWeights()));
             ValueModel critic = a.get("init", "policy").equals("fresh")
                 ? ValueModel.initialise(task.modelConfig(a.integer("layers", 2), a.integer("width", 64), 4), seed)
                 : a.has("trunk") ? trunkFrom(Path.of(a.get("trunk", null)), seed)
                 : a.has("critic") ? ValueModel.fromWeights(Files.readAllBytes(Path.of(a.get("critic", null))))
                 : policy.newValueModel(seed);
             VapoUpdate update = new VapoUpdate(policy, critic, settings)) {
            SplittableRandom random = new SplittableRandom(seed);
            Sampler sampler = new Sampler(policy);
            List<TrainingBatch> fit = new ArrayList<>();
            boolean bayes = a.flag("bayes");
            for (int i = 0; i < trainBatches; i++) {
                TrainingBatch b = sample(sampler, train, tokenizer, task, random);
                fit.add(bayes ? withBayesTargets(b, task, tokenizer) : b);
            }
            List<TrainingBatch> test = new ArrayList<>();
            for (int i = 0; i < testBatches; i++) {
                test.add(sample(sampler, train, tokenizer, task, random));
            }
            System.out.printf(Locale.ROOT, "settings %s%nbatches 0 test ev %.3f%n", a, testEv(critic, test));
            int done = 0;
            // The learner's own pool (--critic-replay), drawn from before the critic's update.
            CriticReplay pool = new CriticReplay(a.integer("replay", 1));
            for (int pass = 0; pass < passes; pass++) {
                for (int index = 0; index < fit.size(); index++) {
                    pool.add(fit.get(index));
                    TrainingBatch b = pool.draw(fit.get(index).size(), random);
                    update.step(withValues(critic, b), false, done);
                    done++;
                    if (done % every == 0) {
                        System.out.printf(Locale.ROOT, "batches %d test ev %.3f train ev %.3f%n", done, testEv(critic, test),
                            testEv(critic, fit.subList(Math.max(0, (done - 1) % fit.size() - 7), (done - 1) % fit.size() + 1)));
                    }
                }
            }
        }
    }

    /** A critic whose trunk is another policy's (e.g. one that knows every fact). */
    private static ValueModel trunkFrom(Path weights, long seed) throws java.io.IOException {
        try (PolicyModel other = PolicyModel.fromWeights(Files.readAllBytes(weights))) {
            return other.newValueModel(seed);
        }
    }

    static TrainingBatch sample(Sampler sampler, List<TaskExample> train, CharTokenizer tokenizer, BuiltInTask task,
                                        SplittableRandom random) {
        return sample(sampler, train, tokenizer, task, random, 8, 16);
    }

    /** A batch of {@code promptCount} prompts drawn from {@code train}, {@code groupSize} responses each. */
    static TrainingBatch sample(Sampler sampler, List<TaskExample> train, CharTokenizer tokenizer, BuiltInTask task,
                                SplittableRandom random, int promptCount, int groupSize) {
        List<int[]> prompts = new ArrayList<>();
        List<String> answers = new ArrayList<>();
        for (int p = 0; p < promptCount; p++) {
            TaskExample ex = train.get(random.nextInt(train.size()));
            for (int g = 0; g < groupSize; g++) {
                prompts.add(tokenizer.encodePrompt(ex.prompt()));
                answers.add(ex.answer());
            }
        }
        List<SampledResponse> samples = sampler.sample(prompts, task.samplingSettings(), random.nextLong());
        int n = samples.size();
        List<int[]> responses = new ArrayList<>();
        float[][] behaviour = new float[n][];
        float[][] zeros = new float[n][];
        float[][] returns = new float[n][];
        float[][] ones = new float[n][];
        double[] rewards = new double[n];
        boolean[] positive = new boolean[n];
        for (int i = 0; i < n; i++) {
            int l = samples.get(i).length();
            responses.add(samples.get(i).tokens());
            behaviour[i] = samples.get(i).logProbs();
            positive[i] = FinalAnswer.judge(tokenizer.decode(samples.get(i).tokens()), answers.get(i)) == FinalAnswer.Verdict.CORRECT;
            rewards[i] = positive[i] ? 1 : 0;
            zeros[i] = new float[l];
            returns[i] = new float[l];
            Arrays.fill(returns[i], (float) rewards[i]);
            ones[i] = new float[l];
            Arrays.fill(ones[i], 1f);
        }
        return new TrainingBatch(prompts, responses, behaviour, zeros, returns, zeros, ones, rewards, positive);
    }

    /**
     * The batch with the teacher's Bayes-optimal values as targets in place of the Monte-Carlo
     * returns (a diagnostic: can the critic represent them when its targets carry no noise?).
     * Tokens after a response leaves the line format keep the return.
     */
    static TrainingBatch withBayesTargets(TrainingBatch b, BuiltInTask task, CharTokenizer tokenizer) {
        float[][] targets = new float[b.size()][];
        for (int i = 0; i < b.size(); i++) {
            dev.vapostream.model.task.RunningSumProblem problem =
                dev.vapostream.model.task.RunningSumProblem.parse(tokenizer.decode(java.util.Arrays.copyOfRange(
                    b.prompts().get(i), 1, b.prompts().get(i).length)));
            String text = tokenizer.decode(b.responses().get(i));
            float[] t = b.returns()[i].clone();
            int digit = problem.term(0);
            for (int line = 1; line < problem.termCount(); line++) {
                int at = (line - 1) * 6;
                if (at + 5 >= text.length() || text.charAt(at + 4) < '0' || text.charAt(at + 4) > '9') {
                    break;
                }
                double before = problem.successProbability(task.teacher(), digit, line - 1);
                digit = text.charAt(at + 4) - '0';
                double after = problem.successProbability(task.teacher(), digit, line);
                for (int k = 0; k < 5 && at + k < t.length; k++) {
                    t[at + k] = (float) before;
                }
                if (at + 5 < t.length) {
                    t[at + 5] = (float) after;
                }
            }
            targets[i] = t;
        }
        return new TrainingBatch(b.prompts(), b.responses(), b.behaviour(), b.advantages(), targets, b.oldValues(),
            b.weights(), b.rewards(), b.positive());
    }

    private static float[][] values(ValueModel critic, TrainingBatch b) {
        try (NoGradient ignored = NoGradient.enter(); NDManager m = NDManager.newBaseManager()) {
            return critic.score(m, b.prompts(), b.responses()).perResponse(b.responses()).toArray(new float[0][]);
        }
    }

    /** The batch with the critic's current values as the old values the value clip is taken around. */
    private static TrainingBatch withValues(ValueModel critic, TrainingBatch b) {
        return new TrainingBatch(b.prompts(), b.responses(), b.behaviour(), b.advantages(), b.returns(), values(critic, b),
            b.weights(), b.rewards(), b.positive());
    }

    /** Explained variance of the critic's values against the batches' returns, pooled and token-weighted. */
    static double testEv(ValueModel critic, List<TrainingBatch> test) {
        return pooledEv(test, b -> values(critic, b));
    }

    /** Explained variance of {@code predict}'s values against the batches' returns, pooled over them and token-weighted. */
    static double pooledEv(List<TrainingBatch> batches, Function<TrainingBatch, float[][]> predict) {
        List<float[]> returns = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (TrainingBatch b : batches) {
            returns.addAll(Arrays.asList(b.returns()));
            values.addAll(Arrays.asList(predict.apply(b)));
        }
        int[] lengths = returns.stream().mapToInt(r -> r.length).toArray();
        return Whitening.explainedVariance(returns.toArray(new float[0][]), values.toArray(new float[0][]), lengths);
    }
}
