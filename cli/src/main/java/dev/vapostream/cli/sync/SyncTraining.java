package dev.vapostream.cli.sync;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import ai.djl.ndarray.NDManager;
import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.answer.FinalAnswer;
import dev.vapostream.learner.Algorithm;
import dev.vapostream.learner.TrainMetricsJson;
import dev.vapostream.learner.algo.LearningRateDecay;
import dev.vapostream.learner.algo.StepStats;
import dev.vapostream.learner.algo.ValuePretrainGate;
import dev.vapostream.learner.algo.VapoUpdate;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.eval.EvalReport;
import dev.vapostream.model.eval.Evaluator;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.avro.TrainPhase;

/**
 * The synchronous baseline of {@code vapo train}: the same algorithm in one thread with no Kafka.
 * Each step samples P × G responses from the current policy, judges them, values each group with
 * the critic, computes advantages with the advantage stage's kernel, filters and whitens as the
 * learner does, and updates; only then does the next step sample, with the new policy. Every step
 * appends a {@link TrainMetrics} line to {@code metrics.jsonl} (so {@code vapo report} reads it),
 * with the seconds of each phase; the final policy goes to {@code policy.weights}. Not resumable:
 * an interrupted run starts again.
 */
public final class SyncTraining {
    private final Run run;
    private final CharTokenizer tokenizer = BuiltInTask.tokenizer();

    /**
     * @param heldOut      held-out problems; the first {@code evalProblems} are evaluated after
     *                     every {@code evalEvery} policy updates and after the last (0: never)
     * @param actorLrFinal the actor's rate at the last update, as a fraction ({@link LearningRateDecay})
     */
    public record Run(Path runDir, String runId, BuiltInTask task, List<TaskExample> train, List<TaskExample> heldOut,
                      byte[] basePolicy, Algorithm algorithm, EstimatorSettings estimator, int maxSteps,
                      double actorLrFinal, int evalEvery, int evalProblems) {
    }

    /** What a finished run reports; {@code lastEvaluation} is null when it evaluated nothing. */
    public record Result(int steps, int policyUpdates, double seconds, EvalReport lastEvaluation) {
    }

    public SyncTraining(Run run) {
        this.run = run;
    }

    public Result run() throws IOException {
        Algorithm algorithm = run.algorithm();
        long seed = algorithm.update().seed();
        Files.createDirectories(run.runDir());
        try (PolicyModel policy = PolicyModel.fromWeights(run.basePolicy());
             ValueModel critic = algorithm.newCritic(policy, seed);
             VapoUpdate update = new VapoUpdate(policy, critic, algorithm.update());
             BufferedWriter metrics = Files.newBufferedWriter(run.runDir().resolve("metrics.jsonl"), StandardCharsets.UTF_8)) {
            ValuePretrainGate gate = new ValuePretrainGate(algorithm.valuePretraining(), List.of());
            Sampler sampler = new Sampler(policy);
            SplittableRandom random = new SplittableRandom(seed);
            Counts counts = new Counts();
            long started = System.nanoTime();
            EvalReport last = null;
            while (counts.policyUpdates < run.maxSteps()) {
                boolean policyPhase = gate.done();
                PhaseTimes times = new PhaseTimes();
                SyncBatch.Built built = sampleAndBuild(sampler, critic, random, times);
                counts.samples += (long) algorithm.promptsPerStep() * algorithm.groupSize();
                counts.filtered += built.filtered();
                if (built.batch() == null) {
                    continue;
                }
                StepStats stats = update.step(built.batch(), policyPhase, counts.steps,
                    LearningRateDecay.cosine(run.actorLrFinal(), counts.policyUpdates, run.maxSteps()),
                    gate.criticLrScale());
                times.lap("update");
                Instant updated = Instant.now();
                counts.steps++;
                if (policyPhase) {
                    counts.policyUpdates++;
                } else if (gate.record(built.explainedVariance())) {
                    System.out.printf(Locale.ROOT, "value pretraining done after %d steps (%s): explained variance %.3f%n",
                        gate.steps(), gate.reason(), gate.movingAverage());
                }
                EvalReport evaluation = policyPhase && evaluationDue(counts.policyUpdates) ? evaluate(policy) : null;
                if (evaluation != null) {
                    last = evaluation;
                    System.out.printf(Locale.ROOT, "policy update %d: held-out %s (%.1f min)%n", counts.policyUpdates,
                        evaluation.summary(), (System.nanoTime() - started) / 60e9);
                }
                metrics.write(TrainMetricsJson.line(metricsOf(counts, policyPhase, built, stats, times, gate, evaluation,
                    updated)));
                metrics.newLine();
                metrics.flush();
            }
            Files.write(run.runDir().resolve("policy.weights"), policy.encodeWeights());
            return new Result(counts.steps, counts.policyUpdates, (System.nanoTime() - started) / 1e9, last);
        }
    }

    private SyncBatch.Built sampleAndBuild(Sampler sampler, ValueModel critic, SplittableRandom random, PhaseTimes times) {
        Algorithm algorithm = run.algorithm();
        int g = algorithm.groupSize();
        List<TaskExample> examples = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        for (int p = 0; p < algorithm.promptsPerStep(); p++) {
            TaskExample example = run.train().get(random.nextInt(run.train().size()));
            examples.add(example);
            int[] tokens = tokenizer.encodePrompt(example.prompt());
            for (int j = 0; j < g; j++) {
                prompts.add(tokens);
            }
        }
        List<SampledResponse> sampled = sampler.sample(prompts, run.task().samplingSettings(), random.nextLong());
        times.lap("sample");
        boolean[] correct = new boolean[sampled.size()];
        for (int i = 0; i < correct.length; i++) {
            String answer = examples.get(i / g).answer();
            correct[i] = FinalAnswer.judge(tokenizer.decode(sampled.get(i).tokens()), answer) == FinalAnswer.Verdict.CORRECT;
        }
        times.lap("score");
        List<SyncBatch.Group> groups = new ArrayList<>();
        for (int p = 0; p < examples.size(); p++) {
            List<SampledResponse> group = sampled.subList(p * g, (p + 1) * g);
            List<int[]> responses = group.stream().map(SampledResponse::tokens).toList();
            groups.add(new SyncBatch.Group(prompts.get(p * g), responses,
                group.stream().map(SampledResponse::logProbs).toList(),
                Arrays.copyOfRange(correct, p * g, (p + 1) * g), values(critic, prompts.subList(p * g, (p + 1) * g),
                responses), examples.get(p).hasTag(BuiltInTask.HARD_TAG)));
        }
        times.lap("critic");
        SyncBatch.Built built = SyncBatch.build(groups, run.estimator(), algorithm.dynamicSampling(),
            algorithm.update().whitening());
        times.lap("advantages");
        return built;
    }

    /** One no-gradient pass over a group, as the advantage stage values it; zeros without a critic. */
    private static List<float[]> values(ValueModel critic, List<int[]> prompts, List<int[]> responses) {
        if (critic == null) {
            return responses.stream().map(r -> new float[r.length]).toList();
        }
        try (NoGradient ignored = NoGradient.enter(); NDManager manager = NDManager.newBaseManager()) {
            return critic.score(manager, prompts, responses).perResponse(responses);
        }
    }

    /** Every {@code evalEvery} policy updates and after the last; never with {@code evalEvery} 0. */
    private boolean evaluationDue(int policyUpdates) {
        return run.evalEvery() > 0 && (policyUpdates == run.maxSteps() || policyUpdates % run.evalEvery() == 0);
    }

    private EvalReport evaluate(PolicyModel policy) {
        List<TaskExample> problems = run.heldOut().subList(0, Math.min(run.evalProblems(), run.heldOut().size()));
        return Evaluator.forTask(run.task(), 64).evaluate(policy, problems, run.task().samplingSettings(),
            run.algorithm().update().seed());
    }

    /** The step's metrics, stamped when its update ended (before any evaluation, which is not training time). */
    private TrainMetrics metricsOf(Counts counts, boolean policyPhase, SyncBatch.Built b, StepStats s, PhaseTimes times,
                                   ValuePretrainGate gate, EvalReport evaluation, Instant updated) {
        Map<String, Double> extra = new TreeMap<>(times.seconds());
        extra.put("filteredGroups", (double) counts.filtered);
        extra.put("samplesDrawn", (double) counts.samples);
        extra.put("trainedTokens", (double) b.tokens());
        extra.put("actorGradNorm", s.actorGradNorm());
        extra.put("criticGradNorm", s.criticGradNorm());
        putIfDefined(extra, "explainedVarianceHard", b.explainedVarianceHard());
        if (evaluation != null && evaluation.hard().problems() > 0) {
            extra.put("heldOutHardAccuracy", evaluation.hard().accuracy());
        }
        if (gate.settings().enabled()) {
            putIfDefined(extra, "valuePretrainEv", gate.movingAverage());
            extra.put("valuePretrainSteps", (double) gate.steps());
        }
        double stepSeconds = times.total();
        return TrainMetrics.newBuilder().setRunId(run.runId()).setStep(counts.steps)
            .setPhase(policyPhase ? TrainPhase.POLICY : TrainPhase.VALUE_PRETRAIN).setPolicyVersion(counts.policyUpdates)
            .setTimestampMs(updated).setRewardMean(b.rewardMean()).setAccuracy(b.rewardMean())
            .setHeldOutAccuracy(evaluation == null ? null : evaluation.accuracy())
            .setResponseLengthMean(b.lengthMean()).setResponseLengthMax(b.lengthMax())
            .setEntropy(s.entropy()).setClipFractionLow(s.clipFractionLow()).setClipFractionHigh(s.clipFractionHigh())
            .setApproxKl(s.approxKl()).setPolicyLoss(s.policyLoss()).setLmLoss(s.lmLoss()).setValueLoss(s.valueLoss())
            .setExplainedVariance(b.explainedVariance()).setVersionLagMin(0).setVersionLagMean(0).setVersionLagMax(0)
            .setTokensPerSecond(b.tokens() / stepSeconds).setDroppedGroups(0).setCorrectedGroups(0)
            .setExtra(extra).build();
    }

    private static void putIfDefined(Map<String, Double> extra, String key, double value) {
        if (!Double.isNaN(value)) {
            extra.put(key, value);
        }
    }

    private static final class Counts {
        int steps;
        int policyUpdates;
        long samples;
        long filtered;
    }
}
