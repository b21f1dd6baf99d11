package dev.vapostream.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.stream.AdvantageApp;
import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.cli.report.RunReport;
import dev.vapostream.generator.GeneratorApp;
import dev.vapostream.generator.GeneratorConfig;
import dev.vapostream.infra.ClusterEndpoints;
import dev.vapostream.infra.LocalCluster;
import dev.vapostream.learner.Algorithm;
import dev.vapostream.learner.Learner;
import dev.vapostream.learner.LearnerApp;
import dev.vapostream.learner.LearnerConfig;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.schemas.TopicAdmin;
import dev.vapostream.schemas.Topics;
import dev.vapostream.schemas.avro.TrainMetrics;
import dev.vapostream.schemas.metrics.MetricsEndpoint;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;
import dev.vapostream.schemas.stage.OpenedResources;
import dev.vapostream.schemas.stage.ShutdownGate;
import dev.vapostream.schemas.stage.Stage;
import dev.vapostream.schemas.stage.StageRunner;
import dev.vapostream.scorer.ScorerApp;
import dev.vapostream.scorer.ScorerConfig;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code vapo train}: everything in one JVM on an embedded broker and registry kept in the run
 * folder. One JVM because on two cores separate processes would each pay for their own PyTorch
 * engine and JIT warm-up and fight over the cores; the stages still talk only through Kafka, and
 * each has its own model copy (sampling noise comes from per-call Java seeds, not the engine's
 * global generator, so sharing the engine does not couple them). Re-running the same command
 * resumes: broker data, registry database and the learner's checkpoints are in the run folder.
 *
 * <p>Its flags are its own ({@link #OWN}) and every stage's settings that make sense for one run on
 * the standard topics ({@link #SPEC}); each flag goes to the stages that declare its key. What
 * {@code vapo train} sets itself (cluster, topic names, stage identities, the estimator, which the
 * preset decides) is not a flag here.
 */
final class TrainCommand {
    static final Setting<String> RUN_DIR = Setting.text("run.dir", "runs/train",
        "the run folder: broker data, registry, checkpoints, metrics, logs; re-running resumes");
    static final Setting<String> TASK = Setting.text("task", BuiltInTask.DEFAULT.id(), "the built-in task");
    static final Setting<String> DATA_DIR = Setting.optionalText("data.dir",
        "the task's train/held-out JSONL; default data/TASK, written when missing");
    static final Setting<String> BASE_POLICY = Setting.optionalText("base.policy",
        "the base policy's weights; default runs/base/TASK/policy.weights, pretrained when missing");
    static final Setting<Integer> WORKERS = Setting.integer("workers", 1, "generator workers");
    static final Setting<Integer> MAX_MINUTES = Setting.integer("max.minutes", 0,
        "stop (and checkpoint) after this many minutes of training, whatever the step; 0: no limit");

    /** The settings {@code vapo train} reads itself. */
    static final SettingsSpec OWN = SettingsSpec.of("vapo train", List.of(RUN_DIR, TASK, DATA_DIR, BASE_POLICY, WORKERS,
        MAX_MINUTES), List.of());

    /**
     * Keys {@code vapo train} sets for its stages: the embedded cluster, the standard topics and the
     * names on them, each stage's identity and state, and the estimator (the preset's).
     */
    static final List<String> SET_BY_TRAIN = List.of("bootstrap.servers", "registry.url", "train.data", "topics.create",
        "topics.replication", "state.dir", "worker.id", "group.id", "application.id", "stage", "input.topic", "input.type",
        "output.topic", "prompts.topic", "rollouts.topic", "advantages.topic", "weights.topic", "metrics.topic",
        "dead.letter.topics", "policy.model", "critic.model", "model.name", "tokenizer.alphabet", "estimator",
        "override.run.contract");

    /** Every flag of {@code vapo train}: its own, then the stages' keys it passes on. */
    static final SettingsSpec SPEC = OWN.plus(LearnerConfig.SPEC).plus(GeneratorConfig.SPEC).plus(ScorerConfig.SPEC)
        .plus(AdvantageConfig.SPEC).without(SET_BY_TRAIN);

    private TrainCommand() {
    }

    static int run(Properties flags) throws Exception {
        Properties p = SPEC.read(flags).toProperties();
        Settings own = OWN.read(OWN.select(p));
        Path runDir = Path.of(own.get(RUN_DIR)).toAbsolutePath();
        BuiltInTask task = TaskCommands.task(p);
        Path dataDir = dataDir(own.get(DATA_DIR), task);
        Path basePolicy = basePolicy(own.get(BASE_POLICY), task);
        Files.createDirectories(runDir.resolve("logs"));
        StageLogs.routeTo(runDir.resolve("logs"));
        prepare(task, dataDir, basePolicy);
        p.setProperty("task", task.id());
        applyTrainDefaults(p);
        // A wrong algorithm (a switch the preset has nothing for) stops here, before the cluster starts.
        Algorithm.fromProperties(p);
        // The gate is closed last: on Ctrl-C the JVM waits for the checkpoint, the report and the cluster's stop.
        try (ShutdownGate gate = ShutdownGate.install(); LocalCluster cluster = LocalCluster.start(runDir.resolve("cluster"), true)) {
            ClusterEndpoints endpoints = cluster.endpoints();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.bootstrapServers()))) {
                TopicAdmin.ensure(admin, Topics.ALL, (short) 1);
            }
            p.setProperty("bootstrap.servers", endpoints.bootstrapServers());
            p.setProperty("registry.url", endpoints.registryBaseUrl());
            writeEndpoints(runDir, endpoints);
            p.setProperty("run.dir", runDir.toString());
            p.setProperty("base.policy", basePolicy.toString());
            p.setProperty("train.data", dataDir.resolve(JsonlDataset.TRAIN_FILE).toString());
            p.putIfAbsent("heldout.data", dataDir.resolve(JsonlDataset.HELD_OUT_FILE).toString());
            return trainWithStages(p, runDir, own, gate);
        }
    }

    /** Where a running {@code vapo train}'s cluster can be reached, e.g. to export its topics while it runs. */
    static final String ENDPOINTS_FILE = "endpoints.properties";
    /** Per learner step, the stages' busy seconds and the threads' CPU seconds ({@link StageTimes}). */
    static final String STAGE_TIMES_FILE = "stage-times.jsonl";

    private static void writeEndpoints(Path runDir, ClusterEndpoints endpoints) throws IOException {
        Files.writeString(runDir.resolve("cluster").resolve(ENDPOINTS_FILE), String.format(Locale.ROOT,
            "# this run's embedded cluster while vapo train runs; the ports change when it is resumed%n"
                + "bootstrap.servers=%s%nregistry.url=%s%n", endpoints.bootstrapServers(), endpoints.registryBaseUrl()));
    }

    /**
     * What {@code vapo train} adds to the presets when the flags say nothing: VAPO's length
     * coefficient for the built-in tasks ({@link #BUILT_IN_TASK_ALPHA}, which reaches the advantage
     * stage in the run contract), and for the {@code vapo} preset DAPO's filter of all-right and
     * all-wrong groups, taken from a fixed draw of prompts-per-step groups (no extra samples).
     * Measured on the blind-spot task: faster and steadier than the preset alone
     * (docs/results.md). {@code --dynamic-sampling false} gives the bare preset.
     */
    static void applyTrainDefaults(Properties p) {
        p.putIfAbsent("alpha", BUILT_IN_TASK_ALPHA);
        if (p.getProperty("preset", "vapo").equalsIgnoreCase("vapo") && p.getProperty("dynamic.sampling") == null) {
            p.setProperty("dynamic.sampling", "true");
            p.putIfAbsent("dynamic.sampling.refill", "false");
        }
    }

    /**
     * Writes the task's dataset and pretrains its base policy when they are missing. Both use seed
     * 1 whatever {@code --seed} says, so that runs of different seeds share data and base.
     */
    /** The data folder given, or the task's default. */
    static Path dataDir(String given, BuiltInTask task) {
        return Path.of(orElse(given, TaskCommands.defaultDataDir(task).toString())).toAbsolutePath();
    }

    /** The base policy given, or the task's default. */
    static Path basePolicy(String given, BuiltInTask task) {
        return Path.of(orElse(given, TaskCommands.defaultBasePolicy(task).toString())).toAbsolutePath();
    }

    static void prepare(BuiltInTask task, Path dataDir, Path basePolicy) throws Exception {
        if (!Files.exists(dataDir.resolve(JsonlDataset.TRAIN_FILE))) {
            System.out.println("vapo train: writing the " + task.id() + " dataset to " + dataDir);
            JsonlDataset.writeBuiltInSplits(dataDir, task, PREPARE_SEED, TaskCommands.TRAIN_PROBLEMS,
                TaskCommands.HELD_OUT_PROBLEMS);
        }
        if (!Files.exists(basePolicy)) {
            System.out.println("vapo train: pretraining the " + task.id() + " base policy into " + basePolicy);
            TaskCommands.pretrainBasePolicy(task, basePolicy, PREPARE_SEED);
        }
    }

    private static final long PREPARE_SEED = 1L;

    private static String orElse(String given, String fallback) {
        return given == null ? fallback : given;
    }

    private static int trainWithStages(Properties p, Path runDir, Settings own, ShutdownGate gate) throws Exception {
        // One endpoint for the JVM: every stage's meters are in the one registry.
        try (MetricsEndpoint metrics = MetricsEndpoint.openIfEnabled(p)) {
            if (metrics != null) {
                System.out.println("vapo train: metrics for Prometheus at " + metrics.url());
            }
            return trainWithStages(p, runDir, own, gate, LearnerConfig.fromProperties(learnerSettings(p)));
        }
    }

    private static int trainWithStages(Properties p, Path runDir, Settings own, ShutdownGate gate,
                                       LearnerConfig learnerConfig)
        throws Exception {
        long minutes = own.get(MAX_MINUTES);
        long deadline = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
        Learner learner;
        StageTimes stageTimes;
        List<Stage> stages = new ArrayList<>();
        // Whatever was opened before a stage failed to open is closed again.
        OpenedResources opened = new OpenedResources();
        try {
            learner = Learner.open(learnerConfig);
            Progress progress = new Progress(learner.maxSteps(), learner.step(), learner.policyVersion());
            stageTimes = opened.track(new StageTimes(runDir.resolve(STAGE_TIMES_FILE)));
            StageTimes times = stageTimes;
            Stage learnerStage = opened.track(LearnerApp.stage(learner,
                () -> minutes > 0 && System.nanoTime() > deadline, m -> {
                    progress.print(m);
                    times.record(m);
                }));
            for (int i = 0; i < own.get(WORKERS); i++) {
                stages.add(opened.track(GeneratorApp.open(GeneratorConfig.fromProperties(generatorSettings(p, i)))));
            }
            stages.add(opened.track(ScorerApp.open(ScorerConfig.fromProperties(scorerSettings(p, runDir)))));
            writeEstimatorSettings(runDir, AdvantageConfig.estimatorFrom(learnerConfig.runContract()));
            stages.add(opened.track(AdvantageApp.open(AdvantageConfig.fromProperties(advantageSettings(p, runDir)))));
            // Started last and so closed first: the step in progress ends and is checkpointed while the
            // other stages still run.
            stages.add(learnerStage);
        } catch (IOException | RuntimeException e) {
            opened.closeAfter(e);
            throw e;
        }
        StageRunner.Outcome outcome;
        try (stageTimes) {
            outcome = new StageRunner(stages).runUntilShutdown(gate, () ->
                System.out.println("\nvapo train: stopping after the current step (run the same command to resume)"));
        }
        System.out.printf("vapo train: %s at step %d (%d value-pretraining steps, %s), policy v%d; run folder %s%n",
            learner.policyVersion() >= learner.maxSteps() ? "done" : "stopped", learner.step(),
            learner.valuePretraining().steps(), valuePretrainingOutcome(learner), learner.policyVersion(), runDir);
        if (learner.step() > 0) {
            System.out.println("vapo train: report " + RunReport.write(List.of(runDir)));
        }
        if (outcome.failure().isPresent()) {
            System.err.println("vapo train: stopped because " + outcome.failure().get().describe()
                + "; see " + runDir.resolve("logs") + ". The same command resumes from the last checkpoint.");
        }
        return outcome.exitCode();
    }

    /** The learner's share of the run's settings: every key it declares. */
    static Properties learnerSettings(Properties p) {
        return LearnerConfig.SPEC.select(p);
    }

    /**
     * Generator {@code index}'s share, with its id and a seed of its own. Its group size comes with
     * every prompt, in the run contract.
     */
    static Properties generatorSettings(Properties p, int index) {
        Properties g = GeneratorConfig.SPEC.select(p);
        g.remove("group.size");
        g.setProperty("worker.id", "generator-" + index);
        g.setProperty("max.new.tokens", p.getProperty("max.new.tokens",
            Integer.toString(TaskCommands.task(p).maxResponseTokens())));
        g.setProperty("seed", Long.toString(Long.parseLong(p.getProperty("seed", "1")) * 31 + index));
        g.setProperty("topics.create", "false");
        return g;
    }

    static Properties scorerSettings(Properties p, Path runDir) {
        Properties s = ScorerConfig.SPEC.select(p);
        s.setProperty("topics.create", "false");
        s.setProperty("kafka.state.dir", runDir.resolve("state").resolve("scorer").toString());
        return s;
    }

    /**
     * VAPO's length coefficient for the built-in tasks. The paper's α = 0.05 (the advantage
     * stage's default) is meant for responses of 10^3-10^4 tokens, where it gives λ of
     * 0.98-0.998; on these tasks' 9-93 tokens it gives λ = 0 up to 20 tokens and at most 0.78.
     * α = 1 gives λ = 1 - 1/l (0.89-0.99), the paper's regime at these lengths; it learned ~4x
     * faster than 0.05 on running-sum, and faster than 0.2 on blind-spots (docs/results.md).
     * {@code --alpha} overrides it.
     */
    static final String BUILT_IN_TASK_ALPHA = "1.0";

    /** The advantage stage's share: no estimator settings, which come with every group, in the run contract. */
    static Properties advantageSettings(Properties p, Path runDir) {
        Properties a = AdvantageConfig.SPEC.select(p);
        AdvantageConfig.ESTIMATOR_SPEC.settings().forEach(setting -> a.remove(setting.key()));
        a.setProperty("state.dir", runDir.resolve("state").resolve("advantage").toString());
        return a;
    }

    /** The advantage stage's resolved estimator beside the learner's settings, for the report and for replays. */
    private static void writeEstimatorSettings(Path runDir, EstimatorSettings e) throws IOException {
        Files.writeString(runDir.resolve("advantage.properties"), String.format(Locale.ROOT,
            "# advantage-stream estimator used by this run%nestimator=%s%ngamma=%s%nlambda.critic=%s%nlambda.policy=%s%nalpha=%s%n",
            e.estimator().name().toLowerCase(Locale.ROOT), e.gamma(), e.criticLambda(), e.describePolicyLambda(), e.alpha()));
    }

    private static String valuePretrainingOutcome(Learner learner) {
        var gate = learner.valuePretraining();
        if (!gate.settings().enabled()) {
            return "none";
        }
        return String.format(Locale.ROOT, "%s, explained variance %.3f, best %.3f", switch (gate.reason()) {
            case PLATEAU -> "ended when explained variance stopped rising";
            case CAP -> "ended at its cap";
            case RUNNING -> "not finished";
        }, gate.movingAverage(), gate.best());
    }

    /**
     * One line per step: learner step, policy updates of the maximum, phase, held-out accuracy when
     * evaluated, reward, length, lag, critic explained variance, tokens/s, ETA of the policy updates.
     */
    private static final class Progress {
        private final int maxPolicySteps;
        private final long startStep;
        private final long startPolicyVersion;
        private final long started = System.nanoTime();
        private Double lastHeldOut;

        Progress(int maxPolicySteps, long startStep, long startPolicyVersion) {
            this.maxPolicySteps = maxPolicySteps;
            this.startStep = startStep;
            this.startPolicyVersion = startPolicyVersion;
        }

        void print(TrainMetrics m) {
            if (m.getHeldOutAccuracy() != null) {
                lastHeldOut = m.getHeldOutAccuracy();
            }
            double perStep = (System.nanoTime() - started) / 1e9 / Math.max(1, m.getStep() - startStep);
            long eta = Math.round(perStep * (maxPolicySteps - m.getPolicyVersion()));
            String eta2 = m.getPolicyVersion() > startPolicyVersion ? String.format("%dm%02ds", eta / 60, eta % 60) : "-";
            System.out.printf(Locale.ROOT, "step %d policy %d/%d %-14s held-out %s reward %.3f len %.1f lag %.1f ev %.2f"
                    + " %.0f tok/s ETA %s%n", m.getStep(), m.getPolicyVersion(), maxPolicySteps,
                m.getPhase().name().toLowerCase(Locale.ROOT),
                lastHeldOut == null ? "  -  " : String.format(Locale.ROOT, "%.3f", lastHeldOut), m.getRewardMean(),
                m.getResponseLengthMean(), m.getVersionLagMean(), m.getExplainedVariance(), m.getTokensPerSecond(), eta2);
        }
    }
}
