package dev.vapostream.model.pretrain;

import dev.vapostream.model.eval.EvalReport;
import dev.vapostream.model.eval.Evaluator;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.Split;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.task.TaskGenerator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The recipe for a built-in task's base policy, as one call: a seeded default-size policy,
 * 20 000 generated training problems, 512 validation problems drawn from the training
 * distribution with a different seed (the held-out split stays untouched for reporting), and
 * {@link PretrainSettings#defaults}. The same seed reproduces the same weights.
 */
public final class BuiltInPretraining {

    public static final int TRAIN_PROBLEMS = 20_000;
    public static final int VALIDATION_PROBLEMS = 512;

    private BuiltInPretraining() {
    }

    /** A pretrained policy (the caller closes it) and how training went. */
    public record Outcome(PolicyModel policy, PretrainResult result) {
    }

    public static Outcome run(BuiltInTask task, long seed, Consumer<String> log) {
        return run(task, task.defaultModelConfig(), PretrainSettings.defaults(task, seed), log);
    }

    public static Outcome run(BuiltInTask task, ModelConfig config, PretrainSettings settings, Consumer<String> log) {
        List<TaskExample> train = new TaskGenerator(task, settings.seed()).generate(Split.TRAIN, TRAIN_PROBLEMS);
        List<TaskExample> validation = new TaskGenerator(task, settings.seed() + 1).generate(Split.TRAIN, VALIDATION_PROBLEMS);
        PolicyModel policy = PolicyModel.initialise(config, settings.seed());
        try {
            Pretrainer pretrainer = new Pretrainer(task, task.samplingSettings());
            return new Outcome(policy, pretrainer.train(policy, train, validation, settings, log));
        } catch (RuntimeException e) {
            policy.close();
            throw e;
        }
    }

    /** Accuracy of a policy on {@code count} problems of the held-out split, temperature 1. */
    public static EvalReport evaluateHeldOut(BuiltInTask task, PolicyModel policy, long datasetSeed, int count,
            long samplingSeed) {
        List<TaskExample> heldOut = new TaskGenerator(task, datasetSeed).generate(Split.HELD_OUT, count);
        return Evaluator.forTask(task, 128).evaluate(policy, heldOut, task.samplingSettings(), samplingSeed);
    }
}
