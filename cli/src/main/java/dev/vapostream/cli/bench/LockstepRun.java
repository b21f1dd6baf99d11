package dev.vapostream.cli.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two or more long-lived programs stepped alternately, one step of each at a time: each program
 * runs a step when it reads a line on its standard input and prints {@code step N: X ms} (or
 * {@code warm-up step N: X ms}) when done. Step i of every program runs within a few seconds of
 * the others' step i, so whatever the machine's speed does over longer than a step hits all of them
 * alike; the order alternates every step. Output goes to one log per program; the resident memory of each is
 * sampled while it waits.
 */
final class LockstepRun {
    static final Pattern STEP = Pattern.compile("^(warm-up )?step (\\d+): ([0-9.]+) ms");
    private static final String END = "\u0000end";
    private static final long POLL_MILLIS = 200;

    /** Per program, in the order given: the timed steps' milliseconds, and its peak RSS. */
    record Result(Map<String, List<Double>> stepMillis, Map<String, Double> peakRssMiB, double load1Before,
                  double load1After, double stealSeconds) {
    }

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Path log;
    private final List<Double> timed = new ArrayList<>();
    private long peakRssKiB;

    private LockstepRun(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts every program, then steps each in turn, the order reversed every other time, until each
     * has run {@code timedSteps} timed steps after its warm-up steps, and waits for them to exit. A
     * program that exits early, fails, or takes longer than {@code stepTimeoutMinutes} for a step
     * stops the run with its log's path.
     */
    static Result run(Path root, Map<String, List<String>> commands, Map<String, String> env, Path logs, int timedSteps,
                      long stepTimeoutMinutes) throws IOException, InterruptedException {
        Files.createDirectories(logs);
        double loadBefore = ChildRun.load1();
        double stealBefore = ChildRun.stealSeconds();
        List<LockstepRun> programs = new ArrayList<>();
        try {
            for (Map.Entry<String, List<String>> c : commands.entrySet()) {
                programs.add(start(root, c.getKey(), c.getValue(), env, logs.resolve(c.getKey() + ".log")));
            }
            for (int slot = 0; programs.stream().anyMatch(p -> p.timed.size() < timedSteps); slot++) {
                List<LockstepRun> order = new ArrayList<>(programs);
                if (slot % 2 == 1) {
                    Collections.reverse(order);
                }
                for (LockstepRun p : order) {
                    if (p.timed.size() < timedSteps) {
                        p.step(programs, stepTimeoutMinutes);
                    }
                }
            }
            Map<String, List<Double>> millis = new LinkedHashMap<>();
            Map<String, Double> peaks = new LinkedHashMap<>();
            for (LockstepRun p : programs) {
                p.finish(stepTimeoutMinutes);
                millis.put(p.name, List.copyOf(p.timed));
                peaks.put(p.name, p.peakRssKiB / 1024.0);
            }
            return new Result(millis, peaks, loadBefore, ChildRun.load1(), ChildRun.stealSeconds() - stealBefore);
        } finally {
            for (LockstepRun p : programs) {
                p.process.descendants().forEach(ProcessHandle::destroy);
                p.process.destroy();
            }
        }
    }

    private static LockstepRun start(Path root, String name, List<String> command, Map<String, String> env, Path log)
        throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().putAll(env);
        LockstepRun run = new LockstepRun(name, builder.start(), log);
        Thread reader = new Thread(run::copyOutput, "lockstep-" + name);
        reader.setDaemon(true);
        reader.start();
        return run;
    }

    /** Copies the program's output to its log and to the queue the stepping reads. */
    private void copyOutput() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                out.write(line);
                out.write('\n');
                out.flush();
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("lockstep: reading the output failed: " + e.getMessage());
        } finally {
            lines.add(END);
        }
    }

    /** One step: a line on the program's input, then its step line back; warm-up steps are not kept. */
    private void step(List<LockstepRun> all, long timeoutMinutes) throws IOException, InterruptedException {
        try {
            process.getOutputStream().write('\n');
            process.getOutputStream().flush();
        } catch (IOException e) {
            throw new IOException(name + " ended before its step (exit " + process.waitFor() + "); see " + log, e);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(timeoutMinutes);
        while (true) {
            String line = lines.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            all.forEach(LockstepRun::sampleRss);
            if (line == null) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(name + " took more than " + timeoutMinutes + " min for a step; see " + log);
                }
                continue;
            }
            if (line.equals(END)) {
                throw new IOException(name + " ended before its step (exit " + process.waitFor() + "); see " + log);
            }
            Matcher m = STEP.matcher(line);
            if (m.find()) {
                if (m.group(1) == null) {
                    timed.add(Double.parseDouble(m.group(3)));
                }
                return;
            }
        }
    }

    /** No more steps: the program's input is closed, and it must exit cleanly. */
    private void finish(long timeoutMinutes) throws IOException, InterruptedException {
        process.getOutputStream().close();
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            throw new IOException(name + " did not exit after its last step; see " + log);
        }
        if (process.exitValue() != 0) {
            throw new IOException(name + " exited with " + process.exitValue() + "; see " + log);
        }
    }

    private void sampleRss() {
        if (process.isAlive()) {
            peakRssKiB = Math.max(peakRssKiB, ChildRun.rssKiB(process.pid()));
        }
    }
}
