package dev.vapostream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.pretrain.BucketResult;
import dev.vapostream.model.pretrain.BuiltInPretraining;
import dev.vapostream.model.pretrain.EvalReport;
import dev.vapostream.model.pretrain.Evaluator;
import dev.vapostream.model.pretrain.PretrainResult;
import dev.vapostream.model.pretrain.PretrainSettings;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.CriticBound;
import dev.vapostream.model.task.RunningSumProblem;
import dev.vapostream.model.task.Teacher;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.LengthBucket;
import dev.vapostream.model.task.TaskExample;

/**
 * {@code vapo dataset}, {@code vapo pretrain}, {@code vapo eval}, {@code vapo task}: a built-in
 * task's data, its weak base policy, accuracy per length bucket, and what a critic could learn on it.
 * Every command takes {@code --task} (default {@link BuiltInTask#DEFAULT}); data and base policy
 * default to {@code data/<task>} and {@code runs/base/<task>/policy.weights}.
 */
final class TaskCommands {
    static final int TRAIN_PROBLEMS = 20_000;
    static final int HELD_OUT_PROBLEMS = 1_000;

    private TaskCommands() {
    }

    static BuiltInTask task(Properties p) {
        try {
            return BuiltInTask.of(p.getProperty("task", BuiltInTask.DEFAULT.id()));
        } catch (IllegalArgumentException e) {
            throw new Flags.UsageException("--task: " + e.getMessage());
        }
    }

    static Path defaultDataDir(BuiltInTask task) {
        return Path.of("data", task.id());
    }

    static Path defaultBasePolicy(BuiltInTask task) {
        return Path.of("runs", "base", task.id(), "policy.weights");
    }

    /** {@code vapo dataset [--task T] [--out data/T] [--seed 1] [--train 20000] [--heldout 1000]} */
    static int dataset(List<String> args) throws IOException {
        Properties p = StageProperties.from(args);
        BuiltInTask task = task(p);
        Path out = Path.of(p.getProperty("out", defaultDataDir(task).toString()));
        JsonlDataset.writeBuiltInSplits(out, task, seed(p), StageProperties.intOf(p, "train", TRAIN_PROBLEMS),
            StageProperties.intOf(p, "heldout", HELD_OUT_PROBLEMS));
        System.out.printf("wrote %s and %s (task %s)%n", out.resolve(JsonlDataset.TRAIN_FILE),
            out.resolve(JsonlDataset.HELD_OUT_FILE), task.id());
        return 0;
    }

    /**
     * {@code vapo pretrain [--task T] [--out runs/base/T/policy.weights] [--seed 1] [--heldout data/T/heldout.jsonl]
     * [--slip-rate R] [--slip-steps 500] [--stop-greedy-accuracy 0.95] [--max-seconds 900]}
     */
    static int pretrain(List<String> args) throws IOException {
        Properties p = StageProperties.from(args);
        BuiltInTask task = task(p);
        Path out = Path.of(p.getProperty("out", defaultBasePolicy(task).toString()));
        pretrainBasePolicy(task, out, pretrainSettings(p));
        Path heldOut = Path.of(p.getProperty("heldout", defaultDataDir(task).resolve(JsonlDataset.HELD_OUT_FILE).toString()));
        if (Files.exists(heldOut)) {
            try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(out))) {
                print(evaluate(task, policy, JsonlDataset.read(heldOut), StageProperties.intOf(p, "problems", HELD_OUT_PROBLEMS),
                    seed(p)));
            }
        }
        return 0;
    }

    /**
     * The task's defaults with the flags of {@code vapo pretrain} applied (StageProperties turns
     * --slip-rate into slip.rate); {@code --slip-rate} sets the teacher's uniform slips on the
     * lines it knows.
     */
    static PretrainSettings pretrainSettings(Properties p) {
        BuiltInTask task = task(p);
        PretrainSettings defaults = PretrainSettings.defaults(task, seed(p));
        Teacher teacher = p.getProperty("slip.rate") == null ? defaults.teacher()
            : defaults.teacher().withSlipRate(StageProperties.doubleOf(p, "slip.rate", 0));
        return new PretrainSettings(defaults.seed(), defaults.batchSize(), defaults.learningRate(),
                defaults.warmupSteps(), defaults.weightDecay(), defaults.clipNorm(), teacher,
                StageProperties.intOf(p, "slip.steps", defaults.slipSteps()),
                defaults.maxSteps(), defaults.evalEvery(),
                StageProperties.doubleOf(p, "stop.greedy.accuracy", defaults.stopGreedyAccuracy()), defaults.maxFormatErrorRate(),
                StageProperties.doubleOf(p, "max.seconds", defaults.timeBudgetSeconds()));
    }

    static void pretrainBasePolicy(BuiltInTask task, Path out, long seed) throws IOException {
        pretrainBasePolicy(task, out, PretrainSettings.defaults(task, seed));
    }

    static void pretrainBasePolicy(BuiltInTask task, Path out, PretrainSettings settings) throws IOException {
        long started = System.nanoTime();
        BuiltInPretraining.Outcome outcome = BuiltInPretraining.run(task, task.defaultModelConfig(), settings,
                line -> System.out.println("pretrain: " + line));
        try (PolicyModel policy = outcome.policy()) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.write(out, policy.encodeWeights());
            System.out.printf("base policy of task %s written to %s in %.0f s (sha256 %s)%n", task.id(), out,
                (System.nanoTime() - started) / 1e9, policy.weightsSha256());
        }
        PretrainResult result = outcome.result();
        if (result.stopReason() != PretrainResult.StopReason.TARGET_REACHED) {
            System.out.printf("pretrain: WARNING stopped by %s at step %d %s; this base is not the documented one"
                    + " (see docs/model.md): raise --max-seconds or check the machine's load%n", result.stopReason(),
                result.steps(), result.methodLearnedAtStep() < 0 ? "before greedy decoding had the method"
                    : "during the teacher phase (started at step " + result.methodLearnedAtStep() + ")");
        }
    }

    /** {@code vapo eval [--task T] --policy FILE [--data data/T/heldout.jsonl] [--problems 1000] [--seed 1]} */
    static int eval(List<String> args) throws IOException {
        Properties p = StageProperties.from(args);
        BuiltInTask task = task(p);
        Path policyFile = Path.of(p.getProperty("policy", defaultBasePolicy(task).toString()));
        Path data = Path.of(p.getProperty("data", defaultDataDir(task).resolve(JsonlDataset.HELD_OUT_FILE).toString()));
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(policyFile))) {
            print(evaluate(task, policy, JsonlDataset.read(data), StageProperties.intOf(p, "problems", HELD_OUT_PROBLEMS),
                seed(p)));
        }
        return 0;
    }

    /**
     * {@code vapo task [--task T] [--problems 20000] [--seed 1]}: the task's lengths, its teacher's
     * success rate, its share of hard problems, and the Bayes-optimal critic's explained variance.
     */
    static int describe(List<String> args) {
        Properties p = StageProperties.from(args);
        BuiltInTask task = task(p);
        CriticBound.Bound bound = CriticBound.of(task, StageProperties.intOf(p, "problems", 20_000), seed(p));
        System.out.printf(Locale.ROOT, "task %s: %d-%d terms, reference responses of %d-%d tokens, teacher: %s%n", task.id(),
            task.minTerms(), task.maxTerms(), RunningSumProblem.responseTokens(task.minTerms()), task.maxResponseTokens(),
            task.teacher());
        System.out.printf(Locale.ROOT, "teacher solves %.1f%%; hard problems (solved below %.0f%%) %.1f%%%n",
            100 * bound.successRate(), 100 * BuiltInTask.HARD_BELOW, 100 * bound.hardShare());
        System.out.printf(Locale.ROOT, "Bayes-optimal critic explains %.3f of the return variance (token-weighted; hard problems %.3f)%n",
            bound.explainedVariance(), bound.explainedVarianceHard());
        return 0;
    }

    static EvalReport evaluate(BuiltInTask task, PolicyModel policy, List<TaskExample> problems, int count, long seed) {
        return Evaluator.forTask(task, 128).evaluate(policy, problems.subList(0, Math.min(count, problems.size())),
            task.samplingSettings(), seed);
    }

    static void print(EvalReport report) {
        System.out.printf("held-out accuracy %.1f%% (%d problems, temperature 1), format errors %.1f%%%n",
            100 * report.accuracy(), report.overall().problems(), 100 * report.formatErrorRate());
        for (LengthBucket bucket : LengthBucket.values()) {
            BucketResult result = report.byBucket().get(bucket);
            if (result != null && result.problems() > 0) {
                System.out.printf("  %-8s %5.1f%% of %d%n", bucket.name().toLowerCase(Locale.ROOT),
                    100 * result.accuracy(), result.problems());
            }
        }
        if (report.hard().problems() > 0) {
            System.out.printf("  %-8s %5.1f%% of %d%n", "hard", 100 * report.hard().accuracy(), report.hard().problems());
        }
    }

    private static long seed(Properties p) {
        return Long.parseLong(p.getProperty("seed", "1"));
    }
}
