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

import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.pretrain.EvalReport;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.JsonlDataset;
import dev.vapostream.model.task.TaskExample;

/**
 * {@code vapo ablate}: VAPO, each "VAPO without X", PPO and DAPO over several seeds with the same
 * budget, each run a {@code vapo train} in its own JVM (so no engine or Kafka state leaks between
 * runs). Each finished run's final policy is evaluated on the same held-out problems and appended
 * to {@code results.jsonl}; a re-run skips what is recorded, so the table can be built in parts.
 * The table and its chart are written to {@code ablation.md} and {@code ablation.png} in the
 * output folder, for docs/results.md.
 *
 * <pre>
 * --out runs/ablate  --seeds 3  --max-steps 100  --max-minutes 0  --eval-problems 512
 * --only vapo,ppo    (a subset of the configurations)   + any vapo train setting for every run
 * --table-only       write the table and chart from what is recorded, run nothing
 * </pre>
 */
final class AblateCommand {
    /** Configuration → (flags, the paper's AIME 2024 score). */
    static final Map<String, Configuration> CONFIGURATIONS = new LinkedHashMap<>();

    record Configuration(List<String> flags, int paperScore) {
    }

    static {
        CONFIGURATIONS.put("vapo", new Configuration(List.of("--preset", "vapo"), 60));
        CONFIGURATIONS.put("w/o value pretraining", new Configuration(List.of("--value-pretrain", "false"), 11));
        CONFIGURATIONS.put("w/o decoupled GAE", new Configuration(List.of("--decoupled-gae", "false"), 33));
        CONFIGURATIONS.put("w/o adaptive GAE", new Configuration(List.of("--adaptive-gae", "false"), 45));
        CONFIGURATIONS.put("w/o clip-higher", new Configuration(List.of("--clip-higher", "false"), 46));
        CONFIGURATIONS.put("w/o token-level loss", new Configuration(List.of("--token-level-loss", "false"), 53));
        CONFIGURATIONS.put("w/o positive-example LM loss", new Configuration(List.of("--lm-loss", "false"), 54));
        CONFIGURATIONS.put("w/o group sampling", new Configuration(List.of("--group-sampling", "false"), 55));
        CONFIGURATIONS.put("ppo", new Configuration(List.of("--preset", "ppo"), 5));
        CONFIGURATIONS.put("dapo", new Configuration(List.of("--preset", "dapo"), 50));
    }

    private AblateCommand() {
    }

    static int run(List<String> args) throws Exception {
        Properties p = StageProperties.from(args);
        Path out = Path.of(p.getProperty("out", "runs/ablate")).toAbsolutePath();
        int seeds = StageProperties.intOf(p, "seeds", 3);
        int evalProblems = StageProperties.intOf(p, "eval.problems", 512);
        BuiltInTask task = TaskCommands.task(p);
        Path heldOut = Path.of(p.getProperty("data.dir", TaskCommands.defaultDataDir(task).toString()))
            .resolve(JsonlDataset.HELD_OUT_FILE).toAbsolutePath();
        List<String> only = p.getProperty("only") == null ? List.copyOf(CONFIGURATIONS.keySet())
            : List.of(p.getProperty("only").split(","));
        Files.createDirectories(out);
        Path results = out.resolve("results.jsonl");
        boolean tableOnly = Boolean.parseBoolean(p.getProperty("table.only", "false"));
        for (String name : tableOnly ? List.<String>of() : only) {
            Configuration c = CONFIGURATIONS.get(name);
            if (c == null) {
                throw new Flags.UsageException("unknown configuration '" + name + "'; known: " + CONFIGURATIONS.keySet());
            }
            for (int seed = 1; seed <= seeds; seed++) {
                if (recorded(results, name, seed)) {
                    continue;
                }
                Path runDir = out.resolve(slug(name) + "-seed" + seed);
                int rc = trainInChild(args, c.flags(), runDir, seed);
                if (rc != 0) {
                    System.err.printf("ablate: %s seed %d: vapo train exited %d; see %s%n", name, seed, rc,
                        runDir.resolve("train.log"));
                    return rc;
                }
                double accuracy = finalAccuracy(task, runDir, heldOut, evalProblems);
                Files.writeString(results, String.format(Locale.ROOT,
                    "{\"configuration\":\"%s\",\"seed\":%d,\"heldOutAccuracy\":%.4f,\"run\":\"%s\"}%n",
                    name, seed, accuracy, runDir.getFileName()), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                System.out.printf(Locale.ROOT, "ablate: %-30s seed %d  held-out %.1f%%%n", name, seed, 100 * accuracy);
            }
        }
        String table = AblationTable.render(results);
        System.out.print(table);
        Files.writeString(out.resolve("ablation.md"), table, StandardCharsets.UTF_8);
        AblationTable.plot(results, out.resolve("ablation.png"));
        System.out.println("ablate: wrote " + out.resolve("ablation.md") + " and " + out.resolve("ablation.png"));
        return 0;
    }

    /** Runs {@code vapo train} for one configuration and seed in a child JVM with this JVM's classpath. */
    private static int trainInChild(List<String> args, List<String> configurationFlags, Path runDir, int seed)
        throws IOException, InterruptedException {
        Files.createDirectories(runDir);
        List<String> trainArgs = new ArrayList<>(passThrough(args));
        trainArgs.addAll(configurationFlags);
        trainArgs.addAll(List.of("--run-dir", runDir.toString(), "--seed", Integer.toString(seed)));
        Process child = new ProcessBuilder(ChildJvm.vapoCommand("train", trainArgs)).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(runDir.resolve("train.log").toFile())).start();
        return child.waitFor();
    }

    /** The caller's flags minus the ones that belong to ablate itself. */
    private static List<String> passThrough(List<String> args) {
        List<String> own = List.of("out", "seeds", "only", "eval-problems", "table-only");
        List<String> kept = new ArrayList<>();
        for (Map.Entry<String, String> flag : Flags.pairs(args)) {
            if (!own.contains(flag.getKey())) {
                kept.add("--" + flag.getKey());
                kept.add(flag.getValue());
            }
        }
        return kept;
    }

    /** Held-out accuracy (temperature 1, sampling seed 12345) of the run's latest checkpointed policy. */
    static double finalAccuracy(BuiltInTask task, Path runDir, Path heldOut, int problems) throws IOException {
        Path checkpoints = runDir.resolve("checkpoints");
        String latest = Files.readString(checkpoints.resolve("LATEST"), StandardCharsets.UTF_8).trim();
        try (PolicyModel policy = PolicyModel.fromWeights(Files.readAllBytes(checkpoints.resolve(latest).resolve("policy.weights")))) {
            List<TaskExample> data = JsonlDataset.read(heldOut);
            EvalReport report = TaskCommands.evaluate(task, policy, data, problems, 12345);
            return report.accuracy();
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
