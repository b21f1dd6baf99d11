package dev.vapostream.cli;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.advantage.stream.AdvantageConfig;
import dev.vapostream.cli.sync.SyncTraining;
import dev.vapostream.learner.Algorithm;
import dev.vapostream.learner.LearnerConfig;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;

/**
 * {@code vapo train-sync}: {@code vapo train}'s algorithm, defaults and data without Kafka, as a
 * synchronous generate-then-train loop in one thread ({@link SyncTraining}): the baseline the
 * pipeline's speed is measured against (docs/benchmarks.md), and a way to try an algorithm
 * setting without the stages.
 */
final class TrainSyncCommand {
    static final Setting<String> RUN_DIR = Setting.text("run.dir", "runs/train-sync",
        "the run folder: metrics.jsonl, the final policy.weights and train-sync.properties");

    static final SettingsSpec SPEC = SettingsSpec.of("vapo train-sync", List.of(RUN_DIR, TrainCommand.TASK,
            TrainCommand.DATA_DIR, TrainCommand.BASE_POLICY, LearnerConfig.MAX_STEPS, LearnerConfig.ACTOR_LR_FINAL,
            LearnerConfig.EVAL_EVERY, LearnerConfig.EVAL_PROBLEMS), List.of())
        .plus(Algorithm.SPEC);

    private TrainSyncCommand() {
    }

    static int run(Properties flags) throws Exception {
        Properties p = SPEC.read(flags).toProperties();
        TrainCommand.applyTrainDefaults(p);
        // Every step draws P prompts and never more, which is vapo train's default for vapo (no refill).
        p.remove("dynamic.sampling.refill");
        Settings s = SPEC.read(p);
        BuiltInTask task = TaskCommands.task(p);
        Algorithm algorithm = Algorithm.fromProperties(p);
        Path runDir = Path.of(s.get(RUN_DIR)).toAbsolutePath();
        Path dataDir = TrainCommand.dataDir(s.get(TrainCommand.DATA_DIR), task);
        Path basePolicy = TrainCommand.basePolicy(s.get(TrainCommand.BASE_POLICY), task);
        TrainCommand.prepare(task, dataDir, basePolicy);
        SyncTraining.Run run = new SyncTraining.Run(runDir, runDir.getFileName().toString(), task,
            JsonlDataset.read(dataDir.resolve(JsonlDataset.TRAIN_FILE)),
            JsonlDataset.read(dataDir.resolve(JsonlDataset.HELD_OUT_FILE)), Files.readAllBytes(basePolicy), algorithm,
            estimator(p, algorithm), s.get(LearnerConfig.MAX_STEPS), s.get(LearnerConfig.ACTOR_LR_FINAL),
            s.get(LearnerConfig.EVAL_EVERY), s.get(LearnerConfig.EVAL_PROBLEMS));
        Files.createDirectories(runDir);
        writeSettings(runDir, algorithm, run);
        SyncTraining.Result result = new SyncTraining(run).run();
        System.out.printf(Locale.ROOT, "train-sync: %d policy updates (%d steps) in %.1f min; held-out %s; %s%n",
            result.policyUpdates(), result.steps(), result.seconds() / 60,
            result.lastEvaluation() == null ? "not evaluated (eval.every 0)" : result.lastEvaluation().summary(),
            runDir.resolve("metrics.jsonl"));
        return 0;
    }

    /** The preset's estimator with any number given on the command line, as the run contract would carry it. */
    static EstimatorSettings estimator(Properties p, Algorithm algorithm) {
        Properties e = AdvantageConfig.ESTIMATOR_SPEC.select(p);
        e.setProperty("estimator", algorithm.estimator());
        return AdvantageConfig.estimatorFrom(e);
    }

    private static void writeSettings(Path runDir, Algorithm algorithm, SyncTraining.Run run) throws IOException {
        Properties out = new Properties();
        algorithm.describe().forEach(out::setProperty);
        out.setProperty("task", run.task().id());
        out.setProperty("max.steps", Integer.toString(run.maxSteps()));
        out.setProperty("actor.lr.final", Double.toString(run.actorLrFinal()));
        out.setProperty("estimator.settings", run.estimator().toString());
        try (Writer w = Files.newBufferedWriter(runDir.resolve("train-sync.properties"))) {
            out.store(w, "vapo train-sync: resolved settings");
        }
    }
}
