package dev.vapostream.cli.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Runs a case: its setup once, then its programs alternately for each round, each in its own
 * child process, recording per run the figures, wall time, peak RSS and the load average before
 * and after. A program that exits non-zero or leaves no figures stops the run with its log's path.
 */
final class BenchRunner {
    /** The allocator settings {@code ./vapo} sets, so that the benchmark JVMs allocate as the pipeline's. */
    static final Map<String, String> ENV = Map.of("MALLOC_MMAP_THRESHOLD_", "33554432", "MALLOC_TRIM_THRESHOLD_",
        "4294967296");
    private static final long TIMEOUT_MINUTES = 30;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Path logs;

    BenchRunner(Path root, Path logs) {
        this.root = root;
        this.logs = logs;
    }

    ObjectNode run(BenchCase c) throws IOException, InterruptedException {
        ObjectNode node = JSON.createObjectNode();
        node.put("title", c.title());
        node.put("reproduce", c.reproduce());
        node.put("rounds", c.rounds());
        if (!c.setup().isEmpty()) {
            check(ChildRun.run(root, c.setup(), ENV, logs.resolve(c.id()).resolve("setup.log"), TIMEOUT_MINUTES), c.setup());
        }
        if (c.lockstep()) {
            runLockstep(c, node);
            return node;
        }
        ArrayNode runs = node.putArray("runs");
        List<BenchProgram> programs = c.programs();
        for (int round = 1; round <= c.rounds(); round++) {
            for (int i = 0; i < programs.size(); i++) {
                // Rotated each round: no program always runs first, on a cold or a warm machine.
                BenchProgram p = programs.get((i + round - 1) % programs.size());
                runs.add(runOnce(c, p, round));
            }
        }
        return node;
    }

    /** One entry per timed step and program, its round the step's number, its figure {@code stepMs}. */
    private void runLockstep(BenchCase c, ObjectNode node) throws IOException, InterruptedException {
        Map<String, List<String>> commands = new LinkedHashMap<>();
        c.programs().forEach(p -> commands.put(p.name(), p.command().apply(1)));
        LockstepRun.Result result = LockstepRun.run(root, commands, ENV, logs.resolve(c.id()), c.rounds(), TIMEOUT_MINUTES);
        node.put("lockstep", true);
        node.put("load1Before", result.load1Before());
        node.put("load1After", result.load1After());
        node.put("stealSeconds", result.stealSeconds());
        ObjectNode peaks = node.putObject("peakRssMiB");
        result.peakRssMiB().forEach(peaks::put);
        ArrayNode runs = node.putArray("runs");
        for (int step = 0; step < c.rounds(); step++) {
            for (BenchProgram p : c.programs()) {
                ObjectNode run = runs.addObject();
                run.put("program", p.name());
                run.put("round", step + 1);
                run.putObject("figures").put("stepMs", result.stepMillis().get(p.name()).get(step));
            }
        }
        Map<String, Double> medians = new LinkedHashMap<>();
        result.stepMillis().forEach((name, ms) -> medians.put(name, Stats.median(ms)));
        System.out.printf(Locale.ROOT, "bench %s: %d timed steps each, stepped alternately, load %.1f -> %.1f, steal %.1f s, "
            + "median ms %s, peak RSS MiB %s%n", c.id(), c.rounds(), result.load1Before(), result.load1After(),
            result.stealSeconds(), medians, result.peakRssMiB());
    }

    private ObjectNode runOnce(BenchCase c, BenchProgram p, int round) throws IOException, InterruptedException {
        List<String> command = p.command().apply(round);
        Path log = logs.resolve(c.id()).resolve(p.name() + "-" + round + ".log");
        ChildRun.Output out = check(ChildRun.run(root, command, ENV, log, TIMEOUT_MINUTES), command);
        Map<String, Double> figures = p.reader().figures(out, round, (name, followUp) -> {
            Path followLog = logs.resolve(c.id()).resolve(p.name() + "-" + round + "-" + name + ".log");
            return check(ChildRun.run(root, followUp, ENV, followLog, TIMEOUT_MINUTES), followUp);
        });
        ObjectNode run = JSON.createObjectNode();
        run.put("program", p.name());
        run.put("round", round);
        run.put("wallSeconds", out.wallSeconds());
        run.put("peakTreeRssMiB", out.peakTreeRssMiB());
        run.put("peakProcessRssMiB", out.peakProcessRssMiB());
        run.put("load1Before", out.load1Before());
        run.put("load1After", out.load1After());
        run.put("stealSeconds", out.stealSeconds());
        run.put("log", root.relativize(log.toAbsolutePath()).toString());
        ObjectNode f = run.putObject("figures");
        figures.forEach(f::put);
        System.out.printf(Locale.ROOT, "bench %s round %d/%d %s: %.1f s, peak RSS %.0f MiB, load %.1f -> %.1f, steal %.1f s, %s%n",
            c.id(), round, c.rounds(), p.name(), out.wallSeconds(), out.peakTreeRssMiB(), out.load1Before(), out.load1After(),
            out.stealSeconds(), figures);
        return run;
    }

    /** The command without its classpath, which is long and says nothing here. */
    private static String shown(List<String> command) {
        List<String> shown = new java.util.ArrayList<>(command);
        int cp = shown.indexOf("-cp");
        if (cp >= 0 && cp + 1 < shown.size()) {
            shown.set(cp + 1, "…");
        }
        return String.join(" ", shown);
    }

    private static ChildRun.Output check(ChildRun.Output out, List<String> command) throws IOException {
        if (out.exitCode() != 0) {
            throw new IOException(shown(command) + " exited with " + out.exitCode() + "; see " + out.log());
        }
        return out;
    }
}
