package dev.vapostream.learner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.function.BooleanSupplier;

import dev.vapostream.learner.algo.LearningRateDecay;
import dev.vapostream.learner.algo.StepStats;
import dev.vapostream.learner.algo.ValuePretrainGate;
import dev.vapostream.learner.algo.VapoUpdate;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.ValueModel;
import dev.vapostream.model.eval.EvalReport;
import dev.vapostream.model.eval.Evaluator;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.stage.OpenedResources;
import dev.vapostream.schemas.avro.ModelRole;
import dev.vapostream.schemas.avro.RunContract;
import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.avro.TrainPhase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner stage: admits prompts, trains on advantage batches (critic-only during value
 * pretraining), publishes weight versions, writes metrics and checkpoints, and resumes from the
 * latest checkpoint of its run folder.
 */
public final class Learner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Learner.class);

    private final LearnerConfig config;
    private final PolicyModel policy;
    private final ValueModel critic;
    private final VapoUpdate update;
    private final PromptAdmission admission;
    private final GroupSource source;
    private final DeadLetters deadLetterWriter;
    private final DeadLetteredPrompts deadLettered;
    private final WeightPublisher weights;
    private final MetricsWriter metrics;
    private final TrainedGroupsLog trainedGroups;
    private final List<TaskExample> heldOut;
    private final Set<String> hardExampleIds;
    private final ValuePretrainGate gate;
    private long step;
    private long policyVersion;
    private long criticVersion;
    /** Seconds the last checkpoint took to write, reported with the next step (it is written after its metrics). */
    private double lastCheckpointSeconds;

    private Learner(LearnerConfig config, PolicyModel policy, ValueModel critic, Checkpoints.State resumed,
                    List<TaskExample> train, List<TaskExample> heldOut) {
        this.config = config;
        this.policy = policy;
        this.critic = critic;
        this.heldOut = heldOut;
        this.hardExampleIds = train.stream().filter(e -> e.hasTag(BuiltInTask.HARD_TAG)).map(TaskExample::id)
            .collect(Collectors.toUnmodifiableSet());
        this.gate = new ValuePretrainGate(config.algorithm().valuePretraining(),
            resumed == null ? List.of() : resumed.valuePretrainHistory());
        // The clients below are opened one after the other; if one fails, those already open are closed
        // (the models stay with the caller, who closes them).
        OpenedResources opened = new OpenedResources();
        try {
            this.update = opened.track(new VapoUpdate(policy, critic, config.algorithm().update()));
            long admittedOnTopic = PromptAdmission.admittedOnTopic(config);
            this.admission = opened.track(new PromptAdmission(config, train,
                Math.max(admittedOnTopic, resumed == null ? 0 : resumed.admitted())));
            this.deadLetterWriter = opened.track(new DeadLetters(config));
            this.source = opened.track(new GroupSource(config, resumed == null ? null : resumed.offsets(),
                new AdvantageGroupCheck(policy.config()), deadLetterWriter));
            this.deadLettered = opened.track(new DeadLetteredPrompts(config));
            this.weights = opened.track(new WeightPublisher(config));
            this.metrics = opened.track(new MetricsWriter(config));
            this.trainedGroups = opened.track(new TrainedGroupsLog(config.runDir()));
        } catch (RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
        if (resumed != null) {
            step = resumed.step();
            policyVersion = resumed.policyVersion();
            criticVersion = resumed.criticVersion();
            source.restoreCounts(resumed.consumed(), resumed.dropped(), resumed.corrected(), resumed.filtered(),
                resumed.criticStale());
        }
    }

    /** Refuses to resume a run whose checkpointed critic is of the other kind than {@code algorithm} asks for. */
    static void requireSameCriticInput(Algorithm algorithm, ValueModel checkpointed) {
        if (checkpointed != null && checkpointed.readsPolicyFeatures() != algorithm.criticReadsPolicy()) {
            throw new IllegalArgumentException("the run's checkpointed critic " + (checkpointed.readsPolicyFeatures()
                ? "reads" : "does not read") + " the policy's features, but this learner was started with"
                + " critic.policy.features=" + algorithm.criticReadsPolicy() + "; resume with the run's own setting");
        }
    }

    /** Opens the run: resumes from its latest checkpoint, or starts from the base policy. */
    public static Learner open(LearnerConfig config) throws IOException {
        int gpus = LearnerConfig.Device.visibleGpus(() -> ai.djl.engine.Engine.getInstance().getGpuCount());
        config.device().requireAvailable(gpus);
        Files.createDirectories(config.runDir());
        if (config.createTopics()) {
            ensureTopics(config);
        }
        writeResolvedConfig(config);
        List<TaskExample> train = JsonlDataset.read(config.trainData());
        List<TaskExample> heldOut = config.heldOutData() == null ? List.of() : JsonlDataset.read(config.heldOutData());
        Optional<Checkpoints.Loaded> checkpoint = Checkpoints.latest(config.runDir());
        // The models, until the learner owns them; then the learner, whose close() closes them too.
        OpenedResources opened = new OpenedResources();
        try {
            Learner learner;
            if (checkpoint.isPresent()) {
                Checkpoints.Loaded c = checkpoint.get();
                PolicyModel policy = opened.track(PolicyModel.fromWeights(c.policy()));
                ValueModel critic = config.algorithm().usesCritic() ? opened.track(ValueModel.fromWeights(c.critic())) : null;
                requireSameCriticInput(config.algorithm(), critic);
                learner = opened.ownedBy(new Learner(config, policy, critic, c.state(), train, heldOut));
                learner.update.actorOptimizer().restore(c.actorOptimizer());
                if (critic != null) {
                    learner.update.criticOptimizer().restore(c.criticOptimizer());
                }
                LOG.info("{}: resumed at step {} (policy v{}, critic v{})", config.runId(), learner.step,
                    learner.policyVersion, learner.criticVersion);
            } else {
                PolicyModel policy = opened.track(PolicyModel.fromWeights(Files.readAllBytes(config.basePolicy())));
                // The critic starts from the base policy's trunk with a fresh value head.
                ValueModel critic = opened.track(config.algorithm().newCritic(policy, config.seed()));
                learner = opened.ownedBy(new Learner(config, policy, critic, null, train, heldOut));
                LOG.info("{}: new run from {} with preset {}", config.runId(), config.basePolicy(),
                    config.algorithm().preset());
            }
            learner.publishWeights(learner.policy.encodeWeights(),
                learner.critic == null ? null : learner.critic.encodeWeights());
            return learner;
        } catch (IOException | RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
    }

    public long step() {
        return step;
    }

    public long policyVersion() {
        return policyVersion;
    }

    /**
     * Trains until max.steps policy updates (value pretraining comes on top) or until {@code stop}
     * says so; the last finished step is checkpointed.
     */
    public void run(BooleanSupplier stop) {
        run(stop, metrics -> { });
    }

    /** As {@link #run(BooleanSupplier)}, telling {@code onStep} each step's metrics (e.g. for a progress line). */
    public void run(BooleanSupplier stop, java.util.function.Consumer<TrainMetrics> onStep) {
        while (policyVersion < config.maxSteps() && !stop.getAsBoolean()) {
            topUpAdmission();
            GroupSource.Batch batch = source.next(config.algorithm().promptsPerStep(), policyVersion, criticVersion,
                this::topUpAdmission, stop);
            if (batch == null) {
                break;
            }
            onStep.accept(trainOn(batch));
        }
    }

    /** Groups refused so far because a critic more than max.critic.lag versions old valued them. */
    public long criticStaleGroups() {
        return source.counts().criticStale;
    }

    /** Policy updates the run stops at. */
    public int maxSteps() {
        return config.maxSteps();
    }

    /** The value-pretraining gate: where it stands, why it ended, the explained variance it reached. */
    public ValuePretrainGate valuePretraining() {
        return gate;
    }

    private TrainMetrics trainOn(GroupSource.Batch batch) {
        boolean policyPhase = gate.done();
        long started = System.nanoTime();
        boolean[] hard = new boolean[batch.groups().size()];
        for (int g = 0; g < hard.length; g++) {
            hard[g] = hardExampleIds.contains(PromptAdmission.exampleIdOf(batch.groups().get(g).getPromptId()));
        }
        BatchBuilder.Built built = BatchBuilder.build(batch.groups(), batch.stale(), hard, policy, config.truncation(),
            config.algorithm().update().whitening(), policyVersion, criticVersion);
        long builtAt = System.nanoTime();
        StepStats stats = update.step(built.batch(), policyPhase, step,
            LearningRateDecay.cosine(config.actorLrFinal(), policyVersion, config.maxSteps()),
            gate.criticLrScale());
        long updated = System.nanoTime();
        double seconds = (updated - started) / 1e9;
        step++;
        if (critic != null) {
            criticVersion++;
        }
        if (policyPhase) {
            policyVersion++;
        }
        // Encoded once per step: published and checkpointed from the same bytes.
        byte[] policyWeights = policy.encodeWeights();
        byte[] criticWeights = critic == null ? null : critic.encodeWeights();
        publishWeights(policyPhase ? policyWeights : null, criticWeights);
        StepTimes times = new StepTimes((builtAt - started) / 1e9, (updated - builtAt) / 1e9,
            (System.nanoTime() - updated) / 1e9, lastCheckpointSeconds);
        if (!policyPhase && gate.record(built.summary().explainedVariance())) {
            LOG.info("{}: value pretraining done after {} steps ({}): explained variance {} over the last {} steps, best {};"
                    + " policy updates start", config.runId(), gate.steps(),
                gate.reason() == ValuePretrainGate.Reason.PLATEAU ? "it stopped rising" : "its cap", fmt(gate.movingAverage()),
                gate.settings().window(), fmt(gate.best()));
        }
        EvalReport evaluation = evaluateIfDue();
        Double heldOutAccuracy = evaluation == null ? null : evaluation.accuracy();
        TrainMetrics stepMetrics = metricsOf(policyPhase, stats, built.summary(), times, evaluation);
        metrics.write(stepMetrics);
        trainedGroups.record(step, batch.groups());
        long checkpointStarted = System.nanoTime();
        Checkpoints.save(config.runDir(), new Checkpoints.State(step, policyVersion, criticVersion, admission.admitted(),
                source.counts().consumed, source.counts().dropped, source.counts().corrected, source.counts().filtered,
                source.counts().criticStale, gate.history(), new TreeMap<>(source.resumeOffsets())),
            policyWeights, criticWeights, update.actorOptimizer().state(),
            critic == null ? null : update.criticOptimizer().state());
        lastCheckpointSeconds = (System.nanoTime() - checkpointStarted) / 1e9;
        LOG.info("{} step {} {} reward {} acc {}{} len {} lag {} critic lag {} ev {} (hard {}) {} tok/s", config.runId(), step,
            policyPhase ? "policy" : "value-pretrain", fmt(built.summary().rewardMean()), fmt(built.summary().accuracy()),
            heldOutAccuracy == null ? "" : " held-out " + fmt(heldOutAccuracy), fmt(built.summary().lengthMean()),
            fmt(built.summary().lagMean()), fmt(built.summary().criticLagMean()), fmt(built.summary().explainedVariance()),
            fmt(built.summary().explainedVarianceHard()), Math.round(built.summary().tokens() / seconds));
        return stepMetrics;
    }

    /** Publishes the current versions of the given encoded networks (null: not this time). */
    private void publishWeights(byte[] policyWeights, byte[] criticWeights) {
        Map<String, String> shape = Map.of("layers", Integer.toString(policy.config().layers()),
            "width", Integer.toString(policy.config().width()), "heads", Integer.toString(policy.config().heads()),
            "context", Integer.toString(policy.config().contextLength()),
            "vocab", Integer.toString(policy.config().vocabSize()));
        if (criticWeights != null) {
            weights.publish(config.criticModel(), ModelRole.CRITIC, criticVersion, criticWeights, shape);
        }
        if (policyWeights != null) {
            weights.publish(config.policyModel(), ModelRole.POLICY, policyVersion, policyWeights, shape);
        }
    }

    private EvalReport evaluateIfDue() {
        if (heldOut.isEmpty() || config.evalEvery() == 0 || step % config.evalEvery() != 0) {
            return null;
        }
        List<TaskExample> problems = heldOut.subList(0, Math.min(config.evalProblems(), heldOut.size()));
        return Evaluator.forTask(config.task(), 64).evaluate(policy, problems, config.task().samplingSettings(),
            config.seed());
    }

    /**
     * Seconds of a step's parts: reading and checking its groups into a batch, the update, encoding
     * and publishing the new weights, and the checkpoint of the step before (this one's is written
     * after its metrics).
     */
    private record StepTimes(double build, double update, double publish, double previousCheckpoint) {
        double buildAndUpdate() {
            return build + update;
        }
    }

    private TrainMetrics metricsOf(boolean policyPhase, StepStats s, BatchBuilder.Summary b, StepTimes times,
                                   EvalReport evaluation) {
        double seconds = times.buildAndUpdate();
        Double heldOut = evaluation == null ? null : evaluation.accuracy();
        return TrainMetrics.newBuilder().setRunId(config.runId()).setStep(step)
            .setPhase(policyPhase ? TrainPhase.POLICY : TrainPhase.VALUE_PRETRAIN).setPolicyVersion(policyVersion)
            .setTimestampMs(Instant.now()).setRewardMean(b.rewardMean()).setAccuracy(b.accuracy())
            .setHeldOutAccuracy(heldOut).setResponseLengthMean(b.lengthMean()).setResponseLengthMax(b.lengthMax())
            .setEntropy(s.entropy()).setClipFractionLow(s.clipFractionLow()).setClipFractionHigh(s.clipFractionHigh())
            .setApproxKl(s.approxKl()).setPolicyLoss(s.policyLoss()).setLmLoss(s.lmLoss()).setValueLoss(s.valueLoss())
            .setExplainedVariance(b.explainedVariance()).setVersionLagMin(b.lagMin()).setVersionLagMean(b.lagMean())
            .setVersionLagMax(b.lagMax()).setTokensPerSecond(b.tokens() / seconds)
            .setDroppedGroups(source.counts().dropped).setCorrectedGroups(source.counts().corrected)
            .setExtra(extraMetrics(s, b, times, evaluation))
            .build();
    }

    private Map<String, Double> extraMetrics(StepStats s, BatchBuilder.Summary b, StepTimes times, EvalReport evaluation) {
        Map<String, Double> extra = new TreeMap<>();
        if (evaluation != null && evaluation.hard().problems() > 0) {
            extra.put("heldOutHardAccuracy", evaluation.hard().accuracy());
        }
        extra.put("filteredGroups", (double) source.counts().filtered);
        extra.put("samplesDrawn", (double) source.counts().consumed * config.algorithm().groupSize());
        extra.put("criticStaleGroups", (double) source.counts().criticStale);
        extra.put("deadLetteredPrompts", (double) deadLettered.count(admission.admitted()));
        extra.put("criticVersion", (double) criticVersion);
        extra.put("actorGradNorm", s.actorGradNorm());
        extra.put("criticGradNorm", s.criticGradNorm());
        extra.put("trainedTokens", (double) b.tokens());
        extra.put("stepSeconds", times.buildAndUpdate());
        extra.put("buildSeconds", times.build());
        extra.put("updateSeconds", times.update());
        extra.put("publishSeconds", times.publish());
        extra.put("checkpointSeconds", times.previousCheckpoint());
        extra.put("hardGroups", (double) b.hardGroups());
        putIfDefined(extra, "explainedVarianceHard", b.explainedVarianceHard());
        putIfDefined(extra, "criticLagMean", b.criticLagMean());
        if (!Double.isNaN(b.criticLagMean())) {
            extra.put("criticLagMax", (double) b.criticLagMax());
        }
        if (gate.settings().enabled()) {
            putIfDefined(extra, "valuePretrainEv", gate.movingAverage());
            extra.put("valuePretrainSteps", (double) gate.steps());
        }
        return extra;
    }

    private static void putIfDefined(Map<String, Double> map, String key, double value) {
        if (!Double.isNaN(value)) {
            map.put(key, value);
        }
    }

    /** The learner's topics (and their dead-letter topics), created if missing. */
    private static void ensureTopics(LearnerConfig config) {
        TopicAdmin.ensure(config.bootstrapServers(), config.kafka(), List.of(
                Topics.PROMPTS.withName(config.promptsTopic()),
                Topics.ADVANTAGES.withName(config.advantagesTopic()),
                Topics.WEIGHTS.withName(config.weightsTopic()),
                Topics.METRICS.withName(config.metricsTopic())), config.topicReplication());
    }

    private static void writeResolvedConfig(LearnerConfig config) throws IOException {
        Properties p = new Properties();
        config.algorithm().describe().forEach(p::setProperty);
        p.setProperty("run.id", config.runId());
        RunContract contract = config.runContract();
        p.setProperty("run.contract.group.size", Integer.toString(contract.getGroupSize()));
        p.setProperty("run.contract.estimator", contract.getEstimator());
        p.setProperty("run.contract.gamma", String.valueOf(contract.getGamma()));
        p.setProperty("run.contract.lambda.critic", String.valueOf(contract.getLambdaCritic()));
        p.setProperty("run.contract.lambda.policy", String.valueOf(contract.getLambdaPolicy()));
        p.setProperty("run.contract.alpha", String.valueOf(contract.getAlpha()));
        p.setProperty("base.policy", config.basePolicy().toString());
        p.setProperty("train.data", config.trainData().toString());
        p.setProperty("heldout.data", String.valueOf(config.heldOutData()));
        p.setProperty("max.steps", Integer.toString(config.maxSteps()));
        p.setProperty("actor.lr.final", Double.toString(config.actorLrFinal()));
        p.setProperty("max.prompts.in.flight", Integer.toString(config.maxPromptsInFlight()));
        p.setProperty("task", config.task().id());
        p.setProperty("max.staleness", Integer.toString(config.maxStaleness()));
        p.setProperty("max.critic.lag", Integer.toString(config.maxCriticLag()));
        p.setProperty("dynamic.sampling.refill", Boolean.toString(config.refillDynamicSampling()));
        p.setProperty("staleness.mode", config.stalenessMode().name().toLowerCase(Locale.ROOT));
        p.setProperty("truncation", Float.toString(config.truncation()));
        p.setProperty("eval.every", Integer.toString(config.evalEvery()));
        p.setProperty("eval.problems", Integer.toString(config.evalProblems()));
        p.setProperty("device", config.device().name().toLowerCase(Locale.ROOT));
        p.setProperty("dead.letter.topics", String.join(",", config.deadLetterTopics()));
        p.setProperty("topics", String.join(",", config.promptsTopic(), config.advantagesTopic(), config.weightsTopic(),
            config.metricsTopic()));
        try (Writer w = Files.newBufferedWriter(config.runDir().resolve("learner.properties"), StandardCharsets.UTF_8)) {
            p.store(w, "resolved learner settings");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the resolved settings into " + config.runDir(), e);
        }
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    /** Groups trained or skipped, and prompts dead-lettered upstream, both free admission slots. */
    private void topUpAdmission() {
        admission.topUp(source.counts().consumed + deadLettered.count(admission.admitted()), policyVersion);
    }

    @Override
    public void close() {
        // Each is closed even if one before it fails, so no client thread or native model is left behind.
        RuntimeException failure = null;
        for (AutoCloseable resource : Arrays.asList(admission, source, deadLetterWriter, deadLettered, weights, metrics, trainedGroups,
            update, critic, policy)) {
            try {
                if (resource != null) {
                    resource.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("closing the learner of " + config.runId() + " failed", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

}
