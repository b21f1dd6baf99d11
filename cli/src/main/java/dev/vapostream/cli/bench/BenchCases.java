package dev.vapostream.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Every case {@code vapo bench} runs: the programs it compares, their commands (run from the
 * repository root, after {@code ./mvnw -B -q install -DskipTests} has built the benchmark classes)
 * and how each one's figures are read.
 */
final class BenchCases {
    static final String WORK = "runs/bench/work";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LEARNER_CP = "learner/target/test-classes:learner/target/classes:@cli/target/runtime-classpath.txt";
    private static final String ADVANTAGE_CP =
        "advantage-stream/target/test-classes:advantage-stream/target/classes:@advantage-stream/target/test-classpath.txt";
    private static final String CLI_CP = "@cli/target/runtime-classpath.txt";
    /** Timed sampling batches of each program, stepped alternately; a batch is 64 rows of 64 new tokens. */
    static final int SAMPLING_STEPS = 40;
    private static final int SAMPLING_ROWS = 64;
    private static final int SAMPLING_NEW_TOKENS = 64;
    static final int SAMPLING_BATCH_TOKENS = SAMPLING_ROWS * SAMPLING_NEW_TOKENS;
    /** Timed learner steps of each program, stepped alternately. */
    private static final int LEARNER_STEPS = 30;
    private static final Pattern SAMPLING = Pattern.compile("^kv-cache\\s+median ([0-9.]+) ms, ([0-9.]+) tokens/s");
    private static final Pattern ADVANTAGE_RUN = Pattern.compile("^values-excluded run (\\d+): [0-9.]+ s, ([0-9.]+) tokens/s");
    private static final Pattern HELD_OUT = Pattern.compile("^held-out accuracy ([0-9.]+)%");
    private static final Pattern BROADCAST = Pattern.compile("publish to use p50 (\\d+) ms, p95 (\\d+) ms over (\\d+) versions");
    /** Policy updates timed in the pipeline comparison: from update 10 (warm JIT, value pretraining over) to the last. */
    static final int WINDOW_START = 10;
    /** Every update trains on all P × G responses: no dynamic sampling (the flag of all three programs). */
    private static final String EQUAL_WORK = " --dynamic-sampling false";
    static final int[] LENGTHS = {16, 32, 64, 128, 256};
    static final int[] GROUP_SIZES = {4, 8, 16, 32, 64};
    static final int[] WORKERS = {1, 2, 4};
    /** Prompt length of the synthetic sampling batches of the scaling curves. */
    private static final int SAMPLED_PROMPT_TOKENS = 16;

    private BenchCases() {
    }

    /** The cases, in the order they run; {@code seeds} rounds of the pipeline comparison of {@code steps} updates. */
    static List<BenchCase> all(int seeds, int steps) {
        return List.of(gae(), sampling(), advantageStage(), learnerStep(), pipeline(seeds, steps), lengthScaling(),
            groupScaling(), workerScaling(steps));
    }

    static BenchCase gae() {
        String out = WORK + "/gae-jmh.json";
        return new BenchCase("gae", "GAE kernel (JMH, one thread)", 1, List.of(),
            List.of(new BenchProgram("jmh", r -> java(ADVANTAGE_CP, "org.openjdk.jmh.Main", "GaeKernelBenchmark", "-rf",
                "json", "-rff", out), (o, r, f) -> jmhMedians(Path.of(out)))),
            "./vapo bench --only gae");
    }

    /**
     * Stepped alternately for the reason {@link #learnerStep()} gives: a batch of each program at a
     * time, {@link #SAMPLING_STEPS} timed batches of {@link #SAMPLING_BATCH_TOKENS} new tokens each.
     */
    static BenchCase sampling() {
        List<String> args = List.of("--mode", "cached", "--batch", Integer.toString(SAMPLING_ROWS), "--new-tokens",
            Integer.toString(SAMPLING_NEW_TOKENS), "--runs", Integer.toString(SAMPLING_STEPS), "--warmup", "3");
        return new BenchCase("sampling", "Generator sampling with the KV cache: Java (DJL) vs PyTorch", SAMPLING_STEPS,
            List.of(), List.of(BenchProgram.stepped("java", r -> java(CLI_CP, "dev.vapostream.generator.bench.SamplingBenchmark",
                    plus(args, "--lockstep", "true"))),
                BenchProgram.stepped("pytorch", r -> python("bench/sampling_benchmark.py", plus(plus(args, "--threads", "1"),
                    "--lockstep")))),
            "./vapo bench --only sampling", true);
    }

    static BenchCase advantageStage() {
        return new BenchCase("advantage", "Advantage stage through Kafka, values excluded", 2, List.of(),
            List.of(new BenchProgram("stage", r -> javaWith(List.of("-Dvapo.registry.home="
                + Path.of("infra/target/apicurio-registry").toAbsolutePath()),
                ADVANTAGE_CP, "dev.vapostream.advantage.bench.AdvantageThroughput", List.of("groups=6000", "runs=3",
                    "modes=values-excluded")), BenchCases::advantageFigures)),
            "./vapo bench --only advantage");
    }

    /**
     * Stepped alternately, one step of each program at a time: this machine's speed moves by up to
     * 2× within seconds (docs/benchmarks.md), so the programs are compared step by step, step i of
     * each on the same rows from the same weights, a few seconds apart.
     */
    static BenchCase learnerStep() {
        String batch = WORK + "/learner-step-batch.json";
        String main = "dev.vapostream.learner.bench.LearnerStepBenchmark";
        return new BenchCase("learner-step", "Learner step: Java (DJL) vs the same step in PyTorch, same batch and weights",
            LEARNER_STEPS, java(LEARNER_CP, main, "--dump-batch", batch, "--warmup", "0", "--runs", "1"),
            List.of(BenchProgram.stepped("java", r -> java(LEARNER_CP, main, "--warmup", "2", "--runs",
                    Integer.toString(LEARNER_STEPS), "--no-stats", "true", "--lockstep", "true")),
                BenchProgram.stepped("pytorch", r -> python("bench/learner_step_reference.py", List.of("--batch", batch,
                    "--warmup", "2", "--runs", Integer.toString(LEARNER_STEPS), "--no-stats", "--lockstep")))),
            "./vapo bench --only learner-step", true);
    }

    /**
     * (a) {@code vapo train}, (b) {@code vapo train-sync}, (c) the same loop in PyTorch: seed r in
     * round r, {@code steps} policy updates each, the final policy evaluated on the 1000 held-out
     * problems by the same Java evaluator. Dynamic sampling is off in all three, so that every
     * update trains on all P × G responses: with it on, the groups it keeps differ from run to run
     * and so does the work of an update (docs/benchmarks.md).
     */
    static BenchCase pipeline(int seeds, int steps) {
        String n = Integer.toString(steps);
        return new BenchCase("pipeline", "The pipeline's cost, side by side: async through Kafka, sync in Java, sync in PyTorch",
            seeds, List.of(),
            List.of(new BenchProgram("async", r -> shell(fresh(run("async", r)) + "./vapo train --run-dir " + run("async", r)
                        + " --seed " + r + " --max-steps " + n + " --eval-every 0" + EQUAL_WORK),
                    (o, r, f) -> asyncFigures(Path.of(run("async", r)), f)),
                new BenchProgram("sync-java", r -> shell(fresh(run("sync-java", r)) + "./vapo train-sync --run-dir "
                        + run("sync-java", r) + " --seed " + r + " --max-steps " + n + " --eval-every 0" + EQUAL_WORK),
                    (o, r, f) -> syncFigures(Path.of(run("sync-java", r), "metrics.jsonl"),
                        Path.of(run("sync-java", r), "policy.weights"), f)),
                new BenchProgram("sync-pytorch", r -> shell(fresh(run("sync-pytorch", r)) + "mkdir -p " + run("sync-pytorch", r)
                        + " && exec /usr/bin/python3 bench/sync_rl_reference.py --seed " + r + " --max-steps " + n
                        + " --out " + run("sync-pytorch", r) + "/metrics.jsonl --save " + run("sync-pytorch", r)
                        + "/policy.weights" + EQUAL_WORK),
                    (o, r, f) -> syncFigures(Path.of(run("sync-pytorch", r), "metrics.jsonl"),
                        Path.of(run("sync-pytorch", r), "policy.weights"), f))),
            "./vapo bench --only pipeline");
    }

    static BenchCase lengthScaling() {
        List<BenchProgram> programs = new ArrayList<>();
        for (int length : LENGTHS) {
            String l = Integer.toString(length);
            programs.addAll(stepCost("L" + l, List.of("--lengths", l), List.of("--batch", "128", "--new-tokens", l,
                "--context", Integer.toString(SAMPLED_PROMPT_TOKENS + length))));
        }
        return new BenchCase("scaling-length", "Step cost against response length (P 8 x G 16, every response L tokens)", 1,
            List.of(), programs, "./vapo bench --only scaling-length");
    }

    static BenchCase groupScaling() {
        List<BenchProgram> programs = new ArrayList<>();
        for (int g : GROUP_SIZES) {
            String gs = Integer.toString(g);
            programs.addAll(stepCost("G" + gs, List.of("--group-size", gs), List.of("--batch", Integer.toString(8 * g),
                "--new-tokens", "50", "--context", Integer.toString(SAMPLED_PROMPT_TOKENS + 50))));
        }
        return new BenchCase("scaling-group", "Step cost against group size G (P 8, responses of the task's lengths)", 1,
            List.of(), programs, "./vapo bench --only scaling-group");
    }

    /** A learner step ({@code update-POINT}) and a sampling batch ({@code sample-POINT}) of one curve point. */
    private static List<BenchProgram> stepCost(String point, List<String> updateArgs, List<String> sampleArgs) {
        return List.of(
            new BenchProgram("update-" + point, r -> java(LEARNER_CP, "dev.vapostream.learner.bench.LearnerStepBenchmark",
                plus(updateArgs, "--warmup", "1", "--runs", "2", "--no-stats", "true")), BenchCases::medianMillis),
            new BenchProgram("sample-" + point, r -> java(CLI_CP, "dev.vapostream.generator.bench.SamplingBenchmark",
                plus(sampleArgs, "--mode", "cached", "--prompt-tokens", Integer.toString(SAMPLED_PROMPT_TOKENS), "--warmup",
                    "1", "--runs", "3")), BenchCases::samplingFigures));
    }

    static BenchCase workerScaling(int steps) {
        List<BenchProgram> programs = new ArrayList<>();
        for (int w : WORKERS) {
            String name = "workers-" + w;
            programs.add(new BenchProgram(name, r -> shell(fresh(run(name, r)) + "./vapo train --run-dir " + run(name, r)
                + " --seed " + r + " --max-steps " + steps + " --eval-every 0 --workers " + w),
                (o, r, f) -> windowFigures(Path.of(run(name, r), "metrics.jsonl"))));
        }
        return new BenchCase("scaling-workers", "vapo train against the number of generator workers", 1, List.of(), programs,
            "./vapo bench --only scaling-workers");
    }

    // --- figures -------------------------------------------------------------------------------

    private static Map<String, Double> jmhMedians(Path file) throws IOException {
        Map<String, Double> figures = new LinkedHashMap<>();
        for (JsonNode benchmark : JSON.readTree(file.toFile())) {
            String name = benchmark.get("benchmark").asText();
            List<Double> iterations = new ArrayList<>();
            benchmark.get("primaryMetric").get("rawData").forEach(fork -> fork.forEach(x -> iterations.add(x.asDouble())));
            figures.put(name.substring(name.lastIndexOf('.') + 1) + "TokensPerSecond", Stats.median(iterations));
        }
        return figures;
    }

    private static Map<String, Double> samplingFigures(ChildRun.Output o, int round, BenchProgram.FollowUp f)
        throws IOException {
        Matcher m = lastMatch(o, SAMPLING);
        return Map.of("medianMs", Double.parseDouble(m.group(1)), "tokensPerSecond", Double.parseDouble(m.group(2)));
    }

    /** The warm runs' median (runs after the first of the JVM, which also pays for JIT and registration). */
    private static Map<String, Double> advantageFigures(ChildRun.Output o, int round, BenchProgram.FollowUp f)
        throws IOException {
        List<Double> warm = new ArrayList<>();
        double cold = Double.NaN;
        for (String line : o.lines()) {
            Matcher m = ADVANTAGE_RUN.matcher(line);
            if (m.find()) {
                if (m.group(1).equals("1")) {
                    cold = Double.parseDouble(m.group(2));
                } else {
                    warm.add(Double.parseDouble(m.group(2)));
                }
            }
        }
        if (warm.isEmpty()) {
            throw new IOException("no warm run in " + o.log());
        }
        return Map.of("warmTokensPerSecond", Stats.median(warm), "coldTokensPerSecond", cold);
    }

    private static Map<String, Double> medianMillis(ChildRun.Output o, int round, BenchProgram.FollowUp f)
        throws IOException {
        return Map.of("medianMs", lastJson(o).get("median_ms").asDouble());
    }

    private static Map<String, Double> asyncFigures(Path runDir, BenchProgram.FollowUp followUp)
        throws IOException, InterruptedException {
        Map<String, Double> figures = new LinkedHashMap<>(windowFigures(runDir.resolve("metrics.jsonl")));
        figures.putAll(TrainingLog.read(runDir.resolve("metrics.jsonl")).perUpdate(WINDOW_START,
            List.of("buildSeconds", "updateSeconds", "publishSeconds", "checkpointSeconds", "trainedTokens")));
        figures.putAll(StageTimesWindow.perUpdate(runDir.resolve("stage-times.jsonl"), WINDOW_START));
        Matcher m = lastMatch(Files.readAllLines(runDir.resolve("logs/generator.log")), BROADCAST, runDir);
        figures.put("broadcastP50Ms", Double.parseDouble(m.group(1)));
        figures.put("broadcastP95Ms", Double.parseDouble(m.group(2)));
        String step = Files.readString(runDir.resolve("checkpoints/LATEST")).trim();
        figures.put("heldOut", heldOut(runDir.resolve("checkpoints").resolve(step).resolve("policy.weights"), followUp));
        return figures;
    }

    private static Map<String, Double> syncFigures(Path metrics, Path policy, BenchProgram.FollowUp followUp)
        throws IOException, InterruptedException {
        Map<String, Double> figures = new LinkedHashMap<>(windowFigures(metrics));
        figures.putAll(TrainingLog.read(metrics).perUpdate(WINDOW_START,
            List.of("sampleSeconds", "scoreSeconds", "criticSeconds", "advantagesSeconds", "updateSeconds", "trainedTokens")));
        figures.put("heldOut", heldOut(policy, followUp));
        return figures;
    }

    private static Map<String, Double> windowFigures(Path metrics) throws IOException {
        TrainingLog log = TrainingLog.read(metrics);
        Map<String, Double> figures = new LinkedHashMap<>();
        figures.put("secondsPerUpdate", log.secondsPerUpdate(WINDOW_START));
        figures.put("policyUpdates", (double) log.policyUpdates());
        figures.put("valuePretrainSteps", (double) log.valueSteps());
        figures.put("minutes", log.minutes());
        return figures;
    }

    private static double heldOut(Path policy, BenchProgram.FollowUp followUp) throws IOException, InterruptedException {
        ChildRun.Output eval = followUp.run("eval", List.of("./vapo", "eval", "--policy", policy.toString(), "--problems",
            "1000", "--seed", "1"));
        return Double.parseDouble(lastMatch(eval, HELD_OUT).group(1)) / 100;
    }

    // --- commands ------------------------------------------------------------------------------

    static String run(String program, int round) {
        return WORK + "/" + program + "-" + round;
    }

    private static String fresh(String dir) {
        return "rm -rf " + dir + " && ";
    }

    private static List<String> shell(String script) {
        return List.of("bash", "-c", script);
    }

    private static List<String> java(String classpath, String main, String... args) {
        return javaWith(List.of(), classpath, main, List.of(args));
    }

    private static List<String> java(String classpath, String main, List<String> args) {
        return javaWith(List.of(), classpath, main, args);
    }

    /** A JVM as the learner runs DJL: offline, one intra-op and one inter-op thread. */
    private static List<String> javaWith(List<String> properties, String classpath, String main, List<String> args) {
        List<String> command = new ArrayList<>(List.of("java", "-Dai.djl.offline=true", "-DDJL_CACHE_DIR=target/djl-cache",
            "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"));
        command.addAll(properties);
        command.addAll(List.of("-cp", Classpath.resolve(classpath), main));
        command.addAll(args);
        return command;
    }

    private static List<String> python(String script, List<String> args) {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", script));
        command.addAll(args);
        return command;
    }

    private static List<String> plus(List<String> list, String... more) {
        List<String> out = new ArrayList<>(list);
        out.addAll(List.of(more));
        return out;
    }

    private static Matcher lastMatch(ChildRun.Output o, Pattern pattern) throws IOException {
        return lastMatch(o.lines(), pattern, o.log());
    }

    private static Matcher lastMatch(List<String> lines, Pattern pattern, Path where) throws IOException {
        Matcher found = null;
        for (String line : lines) {
            Matcher m = pattern.matcher(line);
            if (m.find()) {
                found = m;
            }
        }
        if (found == null) {
            throw new IOException("no line matching '" + pattern + "' in " + where);
        }
        return found;
    }

    private static JsonNode lastJson(ChildRun.Output o) throws IOException {
        for (int i = o.lines().size() - 1; i >= 0; i--) {
            String line = o.lines().get(i).trim();
            if (line.startsWith("{") && line.endsWith("}")) {
                return JSON.readTree(line);
            }
        }
        throw new IOException("no JSON result line in " + o.log());
    }
}
