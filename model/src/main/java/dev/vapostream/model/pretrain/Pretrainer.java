package dev.vapostream.model.pretrain;

import dev.vapostream.model.eval.EvalReport;
import dev.vapostream.model.eval.Evaluator;
import dev.vapostream.model.training.AdamW;
import dev.vapostream.model.training.GradientClipping;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.PolicyScores;
import dev.vapostream.model.nn.Scalars;
import dev.vapostream.model.pretrain.PretrainResult.EvalPoint;
import dev.vapostream.model.pretrain.PretrainResult.StopReason;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.RunningSumProblem;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.task.Teacher;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * Trains a base policy (token-level NLL of the target response) in two phases: reference
 * solutions until greedy decoding shows the method is learned, then solutions of a teacher that
 * slips. Sampled at temperature 1, as RL samples, the result slips about as often as that teacher
 * and solves only a few problems: the starting point RL is supposed to lift, by making it stop
 * slipping. (One phase on the slipping teacher alone learns the method far more slowly.)
 */
public final class Pretrainer {

    private static final int EVAL_BATCH_SIZE = 128;

    private final BuiltInTask task;
    private final CharTokenizer tokenizer = BuiltInTask.tokenizer();
    private final SamplingSettings evalSampling;

    /** @param evalSampling how validation samples (its budget must fit the model's context) */
    public Pretrainer(BuiltInTask task, SamplingSettings evalSampling) {
        this.task = task;
        this.evalSampling = evalSampling;
    }

    /**
     * Trains {@code policy} in place.
     *
     * @param train problems whose worked solutions are the targets
     * @param validation problems evaluated every {@code evalEvery} steps to decide when to stop
     * @param log receives one line per evaluation
     */
    public PretrainResult train(PolicyModel policy, List<TaskExample> train, List<TaskExample> validation,
            PretrainSettings settings, Consumer<String> log) {
        long started = System.nanoTime();
        LengthPooledBatches batches = new LengthPooledBatches(train, settings.batchSize(),
                example -> example.prompt().length(), settings.seed());
        SplittableRandom teacher = new SplittableRandom(settings.seed() ^ 0x5EEDL);
        SamplingSettings greedy = new SamplingSettings(0f, 1f, evalSampling.maxNewTokens());
        Evaluator evaluator = Evaluator.forTask(task, EVAL_BATCH_SIZE);
        List<EvalPoint> history = new ArrayList<>();
        double loss = Double.NaN;
        int methodLearnedAt = -1;
        try (AdamW optimizer = new AdamW(policy.parameters(), settings.weightDecay())) {
            for (int step = 1; step <= settings.maxSteps(); step++) {
                boolean slipping = methodLearnedAt > 0;
                loss = trainStep(policy, optimizer, batches.next(), settings, step,
                        slipping ? settings.teacher() : Teacher.EXACT, teacher);
                boolean outOfTime = seconds(started) > settings.timeBudgetSeconds();
                boolean slipsDone = slipping && step - methodLearnedAt >= settings.slipSteps();
                if (step % settings.evalEvery() == 0 || step == settings.maxSteps() || outOfTime || slipsDone) {
                    EvalReport report = evaluator.evaluate(policy, validation, evalSampling, settings.seed() + step);
                    EvalReport greedyReport = evaluator.evaluate(policy, validation, greedy, settings.seed() + step);
                    history.add(new EvalPoint(step, loss, report, greedyReport));
                    log.accept(String.format("step %d (%s) loss %.4f %.0fs: greedy %.1f%%, sampled %s", step,
                            slipping ? "slipping teacher" : "method", loss, seconds(started),
                            100 * greedyReport.accuracy(), report.summary()));
                    if (!slipping && methodLearned(report, greedyReport, settings)) {
                        methodLearnedAt = step;
                        slipsDone = settings.slipSteps() == 0;
                    }
                    StopReason reason = slipsDone ? StopReason.TARGET_REACHED
                            : outOfTime ? StopReason.TIME_BUDGET
                            : step == settings.maxSteps() ? StopReason.MAX_STEPS : null;
                    if (reason != null) {
                        return new PretrainResult(step, methodLearnedAt, reason, report, history, loss, seconds(started));
                    }
                }
            }
        }
        throw new IllegalStateException("the last step always evaluates and stops");
    }

    private static boolean methodLearned(EvalReport report, EvalReport greedy, PretrainSettings settings) {
        return greedy.accuracy() >= settings.stopGreedyAccuracy()
                && report.formatErrorRate() <= settings.maxFormatErrorRate();
    }

    /** One AdamW step on the mean NLL over all response tokens of the batch; returns that loss. */
    private double trainStep(PolicyModel policy, AdamW optimizer, List<TaskExample> batch, PretrainSettings settings,
            int step, Teacher writer, SplittableRandom teacher) {
        List<int[]> prompts = new ArrayList<>(batch.size());
        List<int[]> targets = new ArrayList<>(batch.size());
        int tokenCount = 0;
        for (TaskExample example : batch) {
            prompts.add(tokenizer.encodePrompt(example.prompt()));
            RunningSumProblem problem = task.parse(example.prompt());
            int[] target = tokenizer.encodeResponse(problem.solutionBy(writer, teacher));
            targets.add(target);
            tokenCount += target.length;
        }
        try (NDManager stepManager = NDManager.newBaseManager()) {
            NDArray loss;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                PolicyScores scores = policy.score(stepManager, prompts, targets);
                loss = scores.logProbs().sum().neg().mul(Scalars.of(stepManager, 1f / tokenCount));
                collector.backward(loss);
            }
            GradientClipping.clipGlobalNorm(stepManager, policy.parameters(), settings.clipNorm());
            optimizer.step(stepManager, settings.learningRateAt(step));
            return loss.getFloat();
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
