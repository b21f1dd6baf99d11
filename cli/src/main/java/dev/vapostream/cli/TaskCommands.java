package dev.vapostream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.eval.BucketResult;
import dev.vapostream.model.pretrain.BuiltInPretraining;
import dev.vapostream.model.eval.EvalReport;
import dev.vapostream.model.eval.Evaluator;
import dev.vapostream.model.pretrain.PretrainResult;
import dev.vapostream.model.pretrain.PretrainSettings;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.CriticBound;
import dev.vapostream.model.task.RunningSumProblem;
import dev.vapostream.model.task.Teacher;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.LengthBucket;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;

/**
 * {@code vapo dataset}, {@code vapo pretrain}, {@code vapo eval}, {@code vapo task}: a built-in
 * task's data, its weak base policy, accuracy per length bucket, and what a critic could learn on it.
 * Every command takes {@code --task} (default {@link BuiltInTask#DEFAULT}); data and base policy
 * default to {@code data/<task>} and {@code runs/base/<task>/policy.weights}.
 */
final class TaskCommands {
    static final int TRAIN_PROBLEMS = 20_000;
    static final int HELD_OUT_PROBLEMS = 1_000;

    static final Setting<String> TASK = Setting.text("task", BuiltInTask.DEFAULT.id(), "the built-in task");
    static final Setting<Long> SEED = Setting.longInteger("seed", 1, "seed of the data, the training or the sampling");

    static final Setting<String> DATA_OUT = Setting.optionalText("out", "the folder written; default data/TASK");
    static final Setting<Integer> TRAIN = Setting.integer("train", TRAIN_PROBLEMS, "training problems");
    static final Setting<Integer> HELD_OUT = Setting.integer("heldout", HELD_OUT_PROBLEMS, "held-out problems");
    static final SettingsSpec DATASET = SettingsSpec.of("vapo dataset", List.of(TASK, DATA_OUT, SEED, TRAIN, HELD_OUT),
        List.of());

    static final Setting<String> POLICY_OUT = Setting.optionalText("out",
        "the weights written; default runs/base/TASK/policy.weights");
    static final Setting<String> HELD_OUT_FILE = Setting.optionalText("heldout",
        "held-out JSONL evaluated after pretraining, when it exists; default data/TASK/heldout.jsonl");
    static final Setting<Integer> EVAL_PROBLEMS = Setting.integer("problems", HELD_OUT_PROBLEMS, "problems evaluated");
    static final Setting<Double> SLIP_RATE = Setting.optionalNumber("slip.rate",
        "the teacher's uniform slip rate on the lines it knows; default the task's");
    static final Setting<Integer> SLIP_STEPS = Setting.optionalInteger("slip.steps",
        "steps of the slipping teacher's phase; default the task's");
    static final Setting<Double> STOP_GREEDY_ACCURACY = Setting.optionalNumber("stop.greedy.accuracy",
        "stop the teacher phase at this greedy accuracy; default the task's");
    static final Setting<Double> MAX_SECONDS = Setting.optionalNumber("max.seconds",
        "time budget of pretraining; default the task's");
    static final SettingsSpec PRETRAIN = SettingsSpec.of("vapo pretrain", List.of(TASK, POLICY_OUT, SEED, HELD_OUT_FILE,
        EVAL_PROBLEMS, SLIP_RATE, SLIP_STEPS, STOP_GREEDY_ACCURACY, MAX_SECONDS), List.of());

    static final Setting<String> POLICY = Setting.optionalText("policy",
        "the policy's weights; default runs/base/TASK/policy.weights");
    static final Setting<String> DATA = Setting.optionalText("data", "held-out JSONL; default data/TASK/heldout.jsonl");
    static final SettingsSpec EVAL = SettingsSpec.of("vapo eval", List.of(TASK, POLICY, DATA, EVAL_PROBLEMS, SEED),
        List.of());

    static final Setting<Integer> BOUND_PROBLEMS = Setting.integer("problems", 20_000,
        "problems sampled for the critic bound");
    static final SettingsSpec DESCRIBE = SettingsSpec.of("vapo task", List.of(TASK, BOUND_PROBLEMS, SEED), List.of());

    private TaskCommands() {
    }

    static BuiltInTask task(Properties p) {
        try {
            return BuiltInTask.of(p.getProperty("task", BuiltInTask.DEFAULT.id()));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--task: " + e.getMessage());
        }
    }

    static Path defaultDataDir(BuiltInTask task) {
        return Path.of("data", task.id());
    }

    static Path defaultBasePolicy(BuiltInTask task) {
        return Path.of("runs", "base", task.id(), "policy.weights");
    }

    /** {@code vapo dataset [--task T] [--out data/T] [--seed 1] [--train 20000] [--heldout 1000]} */
    static int dataset(Properties p) throws IOException {
        Settings s = DATASET.read(p);
        BuiltInTask task = task(p);
        Path out = Path.of(orElse(s.get(DATA_OUT), defaultDataDir(task)));
        JsonlDataset.writeBuiltInSplits(out, task, s.get(SEED), s.get(TRAIN), s.get(HELD_OUT));
        System.out.printf("wrote %s and %s (task %s)%n", out.resolve(JsonlDataset.TRAIN_FILE),
            out.resolve(JsonlDataset.HELD_OUT_FILE), task.id());
        return 0;
    }

    /**
     * {@code vapo pretrain [--task T] [--out runs/base/T/policy.weights] [--seed 1] [--heldout data/T/heldout.jsonl]
     * [--slip-rate R] [--slip-steps 500] [--stop-greedy-accuracy 0.95] [--max-seconds 900]}
     */
    static int pretrain(Properties p) throws IOException {
        Settings s = PRETRAIN.read(p);
        BuiltInTask task = task(p);
        Path out = Path.of(orElse(s.get(POLICY_OUT), defaultBasePolicy(task)));
        pretrainBasePolicy(task, out, pretrainSettings(s, task));
        Path heldOut = Path.of(orElse(s.get(HELD_OUT_FILE), defaultDataDir(task).resolve(JsonlDataset.HELD_OUT_FILE)));
        if (Files.exists(heldOut)) {
            try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(out))) {
                print(evaluate(task, policy, JsonlDataset.read(heldOut), s.get(EVAL_PROBLEMS), s.get(SEED)));
            }
        }
        return 0;
    }

    /**
     * The task's defaults with the flags of {@code vapo pretrain} applied; {@code --slip-rate} sets
     * the teacher's uniform slips on the lines it knows.
     */
    static PretrainSettings pretrainSettings(Settings s, BuiltInTask task) {
        PretrainSettings defaults = PretrainSettings.defaults(task, s.get(SEED));
        Teacher teacher = s.get(SLIP_RATE) == null ? defaults.teacher() : defaults.teacher().withSlipRate(s.get(SLIP_RATE));
        return new PretrainSettings(defaults.seed(), defaults.batchSize(), defaults.learningRate(),
                defaults.warmupSteps(), defaults.weightDecay(), defaults.clipNorm(), teacher,
                orElse(s.get(SLIP_STEPS), defaults.slipSteps()),
                defaults.maxSteps(), defaults.evalEvery(),
                orElse(s.get(STOP_GREEDY_ACCURACY), defaults.stopGreedyAccuracy()), defaults.maxFormatErrorRate(),
                orElse(s.get(MAX_SECONDS), defaults.timeBudgetSeconds()));
    }

    private static <T> T orElse(T given, T fallback) {
        return given == null ? fallback : given;
    }

    private static String orElse(String given, Path fallback) {
        return given == null ? fallback.toString() : given;
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
    static int eval(Properties p) throws IOException {
        Settings s = EVAL.read(p);
        BuiltInTask task = task(p);
        Path policyFile = Path.of(orElse(s.get(POLICY), defaultBasePolicy(task)));
        Path data = Path.of(orElse(s.get(DATA), defaultDataDir(task).resolve(JsonlDataset.HELD_OUT_FILE)));
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(policyFile))) {
            print(evaluate(task, policy, JsonlDataset.read(data), s.get(EVAL_PROBLEMS), s.get(SEED)));
        }
        return 0;
    }

    /**
     * {@code vapo task [--task T] [--problems 20000] [--seed 1]}: the task's lengths, its teacher's
     * success rate, its share of hard problems, and the Bayes-optimal critic's explained variance.
     */
    static int describe(Properties p) {
        Settings s = DESCRIBE.read(p);
        BuiltInTask task = task(p);
        CriticBound.Bound bound = CriticBound.of(task, s.get(BOUND_PROBLEMS), s.get(SEED));
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
}
