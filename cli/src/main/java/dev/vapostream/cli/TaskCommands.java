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
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.LengthBucket;
import dev.vapostream.model.task.TaskExample;

/**
 * {@code vapo dataset}, {@code vapo pretrain}, {@code vapo eval}: the built-in task's data, its
 * weak base policy, and accuracy per length bucket.
 */
final class TaskCommands {
    static final int TRAIN_PROBLEMS = 20_000;
    static final int HELD_OUT_PROBLEMS = 1_000;

    private TaskCommands() {
    }

    /** {@code vapo dataset [--out data] [--seed 1] [--train 20000] [--heldout 1000]} */
    static int dataset(List<String> args) throws IOException {
        Properties p = StageProperties.from(args);
        Path out = Path.of(p.getProperty("out", "data"));
        JsonlDataset.writeBuiltInSplits(out, seed(p), StageProperties.intOf(p, "train", TRAIN_PROBLEMS), StageProperties.intOf(p, "heldout", HELD_OUT_PROBLEMS));
        System.out.printf("wrote %s and %s%n", out.resolve(JsonlDataset.TRAIN_FILE), out.resolve(JsonlDataset.HELD_OUT_FILE));
        return 0;
    }

    /**
     * {@code vapo pretrain [--out runs/base/policy.weights] [--seed 1] [--heldout data/heldout.jsonl]
     * [--slip-rate 0.5] [--slip-steps 500] [--stop-greedy-accuracy 0.95] [--max-seconds 600]}
     */
    static int pretrain(List<String> args) throws IOException {
        Properties p = StageProperties.from(args);
        Path out = Path.of(p.getProperty("out", "runs/base/policy.weights"));
        pretrainBasePolicy(out, pretrainSettings(p));
        Path heldOut = Path.of(p.getProperty("heldout", "data/" + JsonlDataset.HELD_OUT_FILE));
        if (Files.exists(heldOut)) {
            try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(out))) {
                print(evaluate(policy, JsonlDataset.read(heldOut), StageProperties.intOf(p, "problems", HELD_OUT_PROBLEMS), seed(p)));
            }
        }
        return 0;
    }

    /** The defaults with the flags of {@code vapo pretrain} applied (StageProperties turns --slip-rate into slip.rate). */
    static PretrainSettings pretrainSettings(Properties p) {
        PretrainSettings defaults = PretrainSettings.defaults(seed(p));
        return new PretrainSettings(defaults.seed(), defaults.batchSize(), defaults.learningRate(),
                defaults.warmupSteps(), defaults.weightDecay(), defaults.clipNorm(),
                StageProperties.doubleOf(p, "slip.rate", defaults.teacherSlipRate()), StageProperties.intOf(p, "slip.steps", defaults.slipSteps()),
                defaults.maxSteps(), defaults.evalEvery(),
                StageProperties.doubleOf(p, "stop.greedy.accuracy", defaults.stopGreedyAccuracy()), defaults.maxFormatErrorRate(),
                StageProperties.doubleOf(p, "max.seconds", defaults.timeBudgetSeconds()));
    }

    static void pretrainBasePolicy(Path out, long seed) throws IOException {
        pretrainBasePolicy(out, PretrainSettings.defaults(seed));
    }

    static void pretrainBasePolicy(Path out, PretrainSettings settings) throws IOException {
        long started = System.nanoTime();
        BuiltInPretraining.Outcome outcome = BuiltInPretraining.run(BuiltInTask.defaultModelConfig(), settings,
                line -> System.out.println("pretrain: " + line));
        try (PolicyModel policy = outcome.policy()) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.write(out, policy.encodeWeights());
            System.out.printf("base policy written to %s in %.0f s (sha256 %s)%n", out, (System.nanoTime() - started) / 1e9,
                policy.weightsSha256());
        }
        PretrainResult result = outcome.result();
        if (result.stopReason() != PretrainResult.StopReason.TARGET_REACHED) {
            System.out.printf("pretrain: WARNING stopped by %s at step %d %s; this base is not the documented one"
                    + " (see docs/model.md): raise --max-seconds or check the machine's load%n", result.stopReason(),
                result.steps(), result.methodLearnedAtStep() < 0 ? "before greedy decoding had the method"
                    : "during the slipping-teacher phase (started at step " + result.methodLearnedAtStep() + ")");
        }
    }

    /** {@code vapo eval --policy FILE [--data data/heldout.jsonl] [--problems 1000] [--seed 1]} */
    static int eval(List<String> args) throws IOException {
        Properties p = StageProperties.from(args);
        Path policyFile = Path.of(p.getProperty("policy", "runs/base/policy.weights"));
        Path data = Path.of(p.getProperty("data", "data/" + JsonlDataset.HELD_OUT_FILE));
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(policyFile))) {
            print(evaluate(policy, JsonlDataset.read(data), StageProperties.intOf(p, "problems", HELD_OUT_PROBLEMS), seed(p)));
        }
        return 0;
    }

    static EvalReport evaluate(PolicyModel policy, List<TaskExample> problems, int count, long seed) {
        return new Evaluator(BuiltInTask.tokenizer(), 128).evaluate(policy, problems.subList(0, Math.min(count, problems.size())),
            BuiltInTask.samplingSettings(), seed);
    }

    static void print(EvalReport report) {
        System.out.printf("held-out accuracy %.1f%% (%d problems, temperature 1), format errors %.1f%%%n",
            100 * report.accuracy(), report.overall().problems(), 100 * report.formatErrorRate());
        for (LengthBucket bucket : LengthBucket.values()) {
            BucketResult result = report.byBucket().get(bucket);
            if (result != null) {
                System.out.printf("  %-8s %5.1f%% of %d%n", bucket.name().toLowerCase(Locale.ROOT),
                    100 * result.accuracy(), result.problems());
            }
        }
    }

    private static long seed(Properties p) {
        return Long.parseLong(p.getProperty("seed", "1"));
    }
}
