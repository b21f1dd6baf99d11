package dev.vapostream.learner.experiments;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.vapostream.learner.algo.Permutations;
import dev.vapostream.learner.algo.TrainingBatch;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.ValueScores;
import dev.vapostream.model.nn.Scalars;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.model.training.AdamW;
import dev.vapostream.model.training.GradientClipping;

/**
 * How far plain supervised regression takes the critic on the fixed base policy's returns, with
 * none of the pipeline's constraints (docs/results.md, "The critic"): samples {@code train}
 * batches of 128 responses ({@code group} to a prompt) once, pools all their responses, then runs {@code steps} AdamW steps of the
 * squared error to the Monte-Carlo returns, each on {@code rows} responses drawn from the whole
 * pool (an epoch-wise shuffle), the learning rate falling linearly from {@code lr} to
 * {@code lr}·{@code floor}; reports the explained variance on {@code test} other batches of 128
 * responses, {@code testgroup} to a prompt (pooled, token-weighted), drawn from their own random stream so that every run with the same
 * seed is scored on the same responses, every {@code every} steps. Not a test: a main, run by hand. Keys: task, weights,
 * data, train, test, steps, rows, lr, floor, wd, every, seed, bayes (train on the teacher's
 * Bayes-optimal values instead of the returns), group (responses per prompt in the training
 * batches, 128 / group prompts each), trunk (the trunk's learning rate as a multiple of
 * the head's; 0 freezes the trunk copied from the policy: a probe of the policy's features), layers
 * (a freshly initialised critic of that many layers instead of the policy's trunk), width, critic (start
 * from these critic weights, e.g. a run's checkpoint; with {@code train=0 steps=0} it only scores them), features
 * (the critic also reads the base policy's per-token features, as {@code --critic-policy-features} makes it).
 */
public final class CriticCeiling {
    private CriticCeiling() {
    }

    public static void main(String[] argv) throws Exception {
        ExperimentArgs a = ExperimentArgs.parse(argv);
        BuiltInTask task = a.task();
        int trainBatches = a.integer("train", 100);
        int testBatches = a.integer("test", 8);
        int steps = a.integer("steps", 1000);
        int rowsPerStep = a.integer("rows", 64);
        float lr = a.real("lr", 1e-3f);
        float floor = a.real("floor", 0.1f);
        float weightDecay = a.real("wd", 0f);
        int every = a.integer("every", 100);
        long seed = a.longInteger("seed", 1);
        boolean bayes = a.flag("bayes");
        float trunkScale = a.real("trunk", 1f);
        int groupSize = a.integer("group", 16);
        int testGroupSize = a.integer("testgroup", 16);
        if (a.has("critic") && (a.has("layers") || a.has("width"))) {
            throw new IllegalArgumentException("critic= starts from a checkpoint, whose shape is its own; drop layers= and width=");
        }
        if (a.flag("features") && (a.has("critic") || a.has("layers"))) {
            throw new IllegalArgumentException("features=true makes a critic from the base policy; drop critic= and layers=");
        }
        List<TaskExample> examples = a.trainExamples();
        CharTokenizer tokenizer = BuiltInTask.tokenizer();
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(a.baseWeights()));
             ValueModel critic = a.has("critic") ? ValueModel.fromWeights(Files.readAllBytes(Path.of(a.get("critic", null))))
                 : a.has("layers") ? ValueModel.initialise(task.modelConfig(a.integer("layers", 2), a.integer("width", 64), 4), seed)
                 : policy.newValueModel(seed, a.flag("features"));
             AdamW head = new AdamW(part(critic, true), weightDecay);
             AdamW trunk = new AdamW(part(critic, false), weightDecay)) {
            Sampler sampler = new Sampler(policy);
            long started = System.nanoTime();
            // The test batches come from a stream of their own, so runs of any pool size or shape are scored on the
            // same responses.
            SplittableRandom testRandom = new SplittableRandom(seed ^ 0x5DEECE66DL);
            List<TrainingBatch> test = new ArrayList<>();
            for (int i = 0; i < testBatches; i++) {
                test.add(CriticFit.sample(sampler, examples, tokenizer, task, testRandom, 128 / testGroupSize, testGroupSize));
            }
            SplittableRandom random = new SplittableRandom(seed);
            List<TrainingBatch> fit = new ArrayList<>();
            for (int i = 0; i < trainBatches; i++) {
                TrainingBatch b = CriticFit.sample(sampler, examples, tokenizer, task, random, 128 / groupSize, groupSize);
                fit.add(bayes ? CriticFit.withBayesTargets(b, task, tokenizer) : b);
            }
            Pool pool = new Pool(fit);
            // Every training and test response is scored again and again; a feature critic need score each once.
            if (critic.readsPolicyFeatures()) {
                critic.rememberPolicyFeatures(pool.size() + testBatches * 128);
            }
            double bound = bayesEv(test, task, tokenizer);
            System.out.printf(Locale.ROOT, "settings %s; %d training responses sampled in %.0f s%n"
                    + "the teacher's Bayes-optimal values explain %.3f of the test returns (half: %.3f)%nstep 0 test ev %.3f%n",
                a, pool.size(), (System.nanoTime() - started) / 1e9, bound, bound / 2, CriticFit.testEv(critic, test));
            int[] order = Permutations.of(pool.size(), random);
            int at = 0;
            for (int step = 1; step <= steps; step++) {
                if (at + rowsPerStep > order.length) {
                    order = Permutations.of(pool.size(), random);
                    at = 0;
                }
                int[] rows = Arrays.copyOfRange(order, at, at + rowsPerStep);
                at += rowsPerStep;
                float rate = lr * (1f - (1f - floor) * (step - 1) / Math.max(1, steps - 1));
                double loss = regress(critic, head, trunk, pool, rows, rate, rate * trunkScale);
                if (step % every == 0) {
                    System.out.printf(Locale.ROOT, "step %d lr %.2e loss %.4f test ev %.3f train ev %.3f (%.0f s)%n", step,
                        rate, loss, CriticFit.testEv(critic, test), CriticFit.testEv(critic, fit.subList(0, Math.min(8, fit.size()))),
                        (System.nanoTime() - started) / 1e9);
                }
            }
        }
    }

    /**
     * The bound this experiment is measured against: the explained variance of the teacher's
     * Bayes-optimal values along the chains in {@code test}, pooled and token-weighted as the
     * critic's is.
     */
    private static double bayesEv(List<TrainingBatch> test, BuiltInTask task, CharTokenizer tokenizer) {
        return CriticFit.pooledEv(test, b -> CriticFit.withBayesTargets(b, task, tokenizer).returns());
    }

    /** The value head's parameters, or the trunk's. */
    private static List<NDArray> part(ValueModel critic, boolean headPart) {
        List<NDArray> out = new ArrayList<>();
        for (int i = 0; i < critic.parameters().size(); i++) {
            if (critic.parameterNames().get(i).startsWith("value_head.") == headPart) {
                out.add(critic.parameters().get(i));
            }
        }
        return out;
    }

    private static double regress(ValueModel critic, AdamW head, AdamW trunk, Pool pool, int[] rows, float headRate,
                                  float trunkRate) {
        try (NDManager step = NDManager.newBaseManager()) {
            List<int[]> prompts = new ArrayList<>();
            List<int[]> responses = new ArrayList<>();
            for (int row : rows) {
                prompts.add(pool.prompts.get(row));
                responses.add(pool.responses.get(row));
            }
            int width = responses.stream().mapToInt(r -> r.length).max().orElse(0);
            float[] flat = new float[rows.length * width];
            for (int i = 0; i < rows.length; i++) {
                float[] target = pool.returns.get(rows[i]);
                System.arraycopy(target, 0, flat, i * width, target.length);
            }
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                ValueScores values = critic.score(step, prompts, responses);
                NDArray targets = step.create(flat, new Shape(rows.length, width));
                NDArray perToken = values.values().sub(targets).square().mul(Scalars.of(step, 0.5f));
                loss = perToken.mul(values.mask()).sum().div(values.mask().sum());
                collector.backward(loss);
            }
            GradientClipping.clipGlobalNorm(step, critic.parameters(), 1.0f);
            head.step(step, headRate);
            // A frozen trunk still receives gradients; this optimizer zeroes them without moving it.
            trunk.step(step, trunkRate);
            return loss.getFloat();
        }
    }

    /** Every training response, flattened out of its batch. */
    private static final class Pool {
        final List<int[]> prompts = new ArrayList<>();
        final List<int[]> responses = new ArrayList<>();
        final List<float[]> returns = new ArrayList<>();

        Pool(List<TrainingBatch> batches) {
            for (TrainingBatch b : batches) {
                prompts.addAll(b.prompts());
                responses.addAll(b.responses());
                returns.addAll(Arrays.asList(b.returns()));
            }
        }

        int size() {
            return prompts.size();
        }
    }
}
