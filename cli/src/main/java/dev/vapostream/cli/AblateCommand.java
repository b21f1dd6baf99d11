package dev.vapostream.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.vapostream.cli.report.RunMetrics;
import dev.vapostream.learner.Algorithm;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.eval.EvalReport;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.Settings;
import dev.vapostream.schemas.settings.SettingsSpec;

/**
 * {@code vapo ablate}: VAPO, each "VAPO without X", PPO and DAPO over several seeds with the same
 * budget (the same policy updates and samples per update; value pretraining on top), each run a
 * {@code vapo train} in its own JVM (so no engine or Kafka state leaks between runs). Each finished
 * run's final policy is evaluated on the same held-out problems and appended with its area under
 * the held-out curve, samples and time to {@code results.jsonl}; a re-run skips what is recorded,
 * so the table can be built in parts. The table and its chart are written to {@code ablation.md}
 * and {@code ablation.png} in the output folder, for docs/results.md.
 *
 * <p>Its own flags are {@link #OWN}; every other {@code vapo train} flag is given to every run.
 */
final class AblateCommand {
    /** Configuration → (flags, the paper's AIME 2024 score). */
    static final Map<String, Configuration> CONFIGURATIONS = new LinkedHashMap<>();

    /** {@code paperScore}: the paper's AIME 2024 score, or null for a configuration the paper has no row for. */
    record Configuration(List<String> flags, Integer paperScore) {
    }

    private static Configuration vapoWithout(String component, int paperScore) {
        return new Configuration(List.of("--preset", "vapo", "--dynamic-sampling", "false", component, "false"), paperScore);
    }

    static {
        // The paper's VAPO and its ablations run without dynamic sampling (vapo train adds it by default).
        CONFIGURATIONS.put("vapo", new Configuration(List.of("--preset", "vapo", "--dynamic-sampling", "false"), 60));
        CONFIGURATIONS.put("w/o value pretraining", vapoWithout("--value-pretrain", 11));
        CONFIGURATIONS.put("w/o decoupled GAE", vapoWithout("--decoupled-gae", 33));
        CONFIGURATIONS.put("w/o adaptive GAE", vapoWithout("--adaptive-gae", 45));
        CONFIGURATIONS.put("w/o clip-higher", vapoWithout("--clip-higher", 46));
        CONFIGURATIONS.put("w/o token-level loss", vapoWithout("--token-level-loss", 53));
        CONFIGURATIONS.put("w/o positive-example LM loss", vapoWithout("--lm-loss", 54));
        CONFIGURATIONS.put("w/o group sampling", vapoWithout("--group-sampling", 55));
        CONFIGURATIONS.put("ppo", new Configuration(List.of("--preset", "ppo"), 5));
        CONFIGURATIONS.put("dapo", new Configuration(List.of("--preset", "dapo"), 50));
        CONFIGURATIONS.put("vapo + dynamic sampling (vapo train's default)",
            new Configuration(List.of("--preset", "vapo", "--dynamic-sampling", "true"), null));
        // Is VAPO's gain without group sampling the method's, or the batch shape's? The same shape for the others.
        CONFIGURATIONS.put("dapo w/o group sampling", new Configuration(List.of("--preset", "dapo", "--group-sampling", "false"), null));
        CONFIGURATIONS.put("ppo w/o group sampling", new Configuration(List.of("--preset", "ppo", "--group-sampling", "false"), null));
    }

    /**
     * Every configuration draws the same samples per policy update: DAPO's dynamic sampling drops
     * the groups without signal from its fixed draw instead of drawing more. With the same
     * --max-steps (policy updates) every run then draws the same samples; value pretraining comes
     * on top and is reported.
     */
    static final List<String> EQUAL_BUDGET = List.of("--dynamic-sampling-refill", "false");

    static final Setting<String> OUT = Setting.text("out", "runs/ablate",
        "the ablation's folder: one run folder per configuration and seed, results.jsonl, ablation.md and .png");
    static final Setting<Integer> SEEDS = Setting.integer("seeds", 5, "seeds 1..N of every configuration");
    static final Setting<Integer> PARALLEL = Setting.integer("parallel", 1, "runs at a time");
    static final Setting<Integer> EVAL_PROBLEMS = Setting.integer("eval.problems", 512,
        "held-out problems of each run's final evaluation");
    static final Setting<String> ONLY = Setting.optionalText("only", "a comma-separated subset of the configurations");
    static final Setting<Boolean> TABLE_ONLY = Setting.bool("table.only", false,
        "write the table and chart from what is recorded, run nothing");

    /** The settings {@code vapo ablate} reads itself. */
    static final SettingsSpec OWN = SettingsSpec.of("vapo ablate", List.of(OUT, SEEDS, PARALLEL, EVAL_PROBLEMS, ONLY,
        TABLE_ONLY), List.of());

    /** Its own flags, then every {@code vapo train} flag but the run folder and seed, which it sets per run. */
    static final SettingsSpec SPEC = OWN.plus(TrainCommand.SPEC.without(List.of("run.dir", "seed")));

    private AblateCommand() {
    }

    static int run(Properties flags) throws Exception {
        Properties p = SPEC.read(flags).toProperties();
        Settings own = OWN.read(OWN.select(p));
        Path out = Path.of(own.get(OUT)).toAbsolutePath();
        int seeds = own.get(SEEDS);
        int parallel = own.get(PARALLEL);
        int evalProblems = own.get(EVAL_PROBLEMS);
        BuiltInTask task = TaskCommands.task(p);
        Path heldOut = Path.of(p.getProperty("data.dir", TaskCommands.defaultDataDir(task).toString()))
            .resolve(JsonlDataset.HELD_OUT_FILE).toAbsolutePath();
        List<String> only = own.get(ONLY) == null ? List.copyOf(CONFIGURATIONS.keySet()) : List.of(own.get(ONLY).split(","));
        List<String> toRun = own.get(TABLE_ONLY) ? List.of() : only;
        checkConfigurations(p, toRun);
        Files.createDirectories(out);
        Path results = out.resolve("results.jsonl");
        List<String> trainFlags = trainFlags(p);
        List<Callable<Integer>> jobs = new ArrayList<>();
        for (String name : toRun) {
            Configuration c = CONFIGURATIONS.get(name);
            for (int seed = 1; seed <= seeds; seed++) {
                if (!recorded(results, name, seed)) {
                    int s = seed;
                    jobs.add(() -> runOne(trainFlags, name, c, s, task, out, heldOut, evalProblems, results));
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            for (Future<Integer> done : pool.invokeAll(jobs)) {
                if (done.get() != 0) {
                    return done.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        String table = AblationTable.render(results);
        System.out.print(table);
        Files.writeString(out.resolve("ablation.md"), table, StandardCharsets.UTF_8);
        AblationTable.plot(results, out.resolve("ablation.png"));
        System.out.println("ablate: wrote " + out.resolve("ablation.md") + " and " + out.resolve("ablation.png"));
        return 0;
    }

    /**
     * Checks every configuration to run as {@code vapo train} checks its algorithm, so that a flag
     * one of them refuses (e.g. {@code --group-size 1} for DAPO) stops the ablation before any run
     * starts rather than in a child process after the others have run.
     */
    static void checkConfigurations(Properties p, List<String> names) {
        for (String name : names) {
            Configuration c = CONFIGURATIONS.get(name);
            if (c == null) {
                throw new UsageException("unknown configuration '" + name + "'; known: " + CONFIGURATIONS.keySet());
            }
            try {
                Algorithm.fromProperties(trainSettings(p, c));
            } catch (IllegalArgumentException e) {
                throw new UsageException("configuration '" + name + "' cannot run with these flags: " + e.getMessage());
            }
        }
    }

    /** The settings one configuration's {@code vapo train} resolves its algorithm from. */
    static Properties trainSettings(Properties p, Configuration c) {
        Properties train = new Properties();
        for (String key : p.stringPropertyNames()) {
            if (!OWN.declares(key)) {
                train.setProperty(key, p.getProperty(key));
            }
        }
        List<String> flags = new ArrayList<>(EQUAL_BUDGET);
        flags.addAll(c.flags());
        for (int i = 0; i + 1 < flags.size(); i += 2) {
            train.setProperty(flags.get(i).substring(2).replace('-', '.'), flags.get(i + 1));
        }
        TrainCommand.applyTrainDefaults(train);
        return train;
    }

    /** One configuration and seed: a vapo train in a child JVM, then its final policy evaluated and recorded. */
    private static int runOne(List<String> trainFlags, String name, Configuration c, int seed, BuiltInTask task, Path out,
                              Path heldOut, int evalProblems, Path results) throws Exception {
        Path runDir = out.resolve(slug(name) + "-seed" + seed);
        int rc = trainInChild(trainFlags, c.flags(), runDir, seed);
        if (rc != 0) {
            System.err.printf("ablate: %s seed %d: vapo train exited %d; see %s%n", name, seed, rc, runDir.resolve("train.log"));
            return rc;
        }
        EvalReport report = finalEvaluation(task, runDir, heldOut, evalProblems);
        RunMetrics metrics = RunMetrics.read(runDir);
        AblationTable.Run run = new AblationTable.Run(name, seed, report.accuracy(),
            report.hard().problems() == 0 ? Double.NaN : report.hard().accuracy(), policyPhaseAuc(metrics),
            Math.round(last(metrics, "samplesDrawn")), (int) Math.round(last(metrics, "valuePretrainSteps")),
            trainingSeconds(metrics), runDir.getFileName().toString());
        synchronized (AblateCommand.class) {
            Files.writeString(results, AblationTable.line(run) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        }
        System.out.printf(Locale.ROOT, "ablate: %-30s seed %d  held-out %.1f%%, AUC %.1f%%%n", name, seed,
            100 * run.finalAccuracy(), 100 * run.auc());
        return 0;
    }

    /** Mean held-out accuracy over the evaluations made after value pretraining: the normalised area under the curve. */
    static double policyPhaseAuc(RunMetrics metrics) {
        double sum = 0;
        int n = 0;
        for (Map<String, Double> step : metrics.steps()) {
            Double accuracy = step.get("heldOutAccuracy");
            Double version = step.get("policyVersion");
            if (accuracy != null && version != null && version > 0) {
                sum += accuracy;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    private static double last(RunMetrics metrics, String key) {
        for (int i = metrics.steps().size() - 1; i >= 0; i--) {
            Double v = metrics.steps().get(i).get(key);
            if (v != null) {
                return v;
            }
        }
        return 0;
    }

    private static double trainingSeconds(RunMetrics metrics) {
        if (metrics.steps().isEmpty()) {
            return Double.NaN;
        }
        Double first = metrics.steps().get(0).get("timestampMs");
        Double end = metrics.steps().get(metrics.steps().size() - 1).get("timestampMs");
        return first == null || end == null ? Double.NaN : (end - first) / 1000.0;
    }

    /** Runs {@code vapo train} for one configuration and seed in a child JVM with this JVM's classpath. */
    private static int trainInChild(List<String> trainFlags, List<String> configurationFlags, Path runDir, int seed)
        throws IOException, InterruptedException {
        Files.createDirectories(runDir);
        List<String> trainArgs = new ArrayList<>(trainFlags);
        trainArgs.addAll(EQUAL_BUDGET);
        trainArgs.addAll(configurationFlags);
        trainArgs.addAll(List.of("--run-dir", runDir.toString(), "--seed", Integer.toString(seed)));
        Process child = new ProcessBuilder(ChildJvm.vapoCommand("train", trainArgs)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve("train.log").toFile())).start();
        return child.waitFor();
    }

    /** The caller's settings minus ablate's own, as {@code vapo train} flags ({@code max.steps} as {@code --max-steps}). */
    static List<String> trainFlags(Properties p) {
        List<String> flags = new ArrayList<>();
        for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
            if (!OWN.declares(key)) {
                Setting<?> setting = TrainCommand.SPEC.setting(key);
                flags.add(setting == null ? "--" + key : setting.flag());
                flags.add(p.getProperty(key));
            }
        }
        return flags;
    }

    /** Held-out accuracy (temperature 1, sampling seed 12345) of the run's latest checkpointed policy. */
    static double finalAccuracy(BuiltInTask task, Path runDir, Path heldOut, int problems) throws IOException {
        return finalEvaluation(task, runDir, heldOut, problems).accuracy();
    }

    /** The evaluation behind {@link #finalAccuracy}, with its per-bucket and hard counts. */
    static EvalReport finalEvaluation(BuiltInTask task, Path runDir, Path heldOut, int problems) throws IOException {
        Path checkpoints = runDir.resolve("checkpoints");
        String latest = Files.readString(checkpoints.resolve("LATEST"), StandardCharsets.UTF_8).trim();
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(checkpoints.resolve(latest).resolve("policy.weights")))) {
            List<TaskExample> data = JsonlDataset.read(heldOut);
            return TaskCommands.evaluate(task, policy, data, problems, 12345);
        }
    }

    private static boolean recorded(Path results, String name, int seed) throws IOException {
        if (!Files.exists(results)) {
            return false;
        }
        String needle = "\"configuration\":\"" + name + "\",\"seed\":" + seed + ",";
        return Files.readAllLines(results, StandardCharsets.UTF_8).stream().anyMatch(l -> l.contains(needle));
    }

    static String slug(String name) {
        return name.toLowerCase(Locale.ROOT).replace("w/o ", "no-").replaceAll("[^a-z0-9]+", "-");
    }
}
