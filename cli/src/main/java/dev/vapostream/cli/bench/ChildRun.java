package dev.vapostream.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One benchmark program run as a child process in the repository root: its output goes to a log
 * file, and while it runs the resident memory of its process tree is sampled every 200 ms (Linux
 * {@code /proc}), so that a run reports its peak RSS, whole tree and largest process.
 */
final class ChildRun {
    private static final long POLL_MILLIS = 200;

    /**
     * What a finished run left: its exit code, stdout and stderr lines, wall time, memory, the load
     * around it and the CPU time the hypervisor gave to other guests while it ran (steal, all cores).
     */
    record Output(int exitCode, List<String> lines, double wallSeconds, double peakTreeRssMiB, double peakProcessRssMiB,
                  double load1Before, double load1After, double stealSeconds, Path log) {
    }

    private ChildRun() {
    }

    static Output run(Path root, List<String> command, Map<String, String> env, Path log, long timeoutMinutes)
        throws IOException, InterruptedException {
        Files.createDirectories(log.toAbsolutePath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
            .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        double loadBefore = load1();
        double stealBefore = stealSeconds();
        long started = System.nanoTime();
        Process process = builder.start();
        Map<Long, Long> peakByPid = new HashMap<>();
        long peakTree = 0;
        while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
            long tree = 0;
            for (ProcessHandle p : Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList()) {
                long rss = rssKiB(p.pid());
                tree += rss;
                peakByPid.merge(p.pid(), rss, Math::max);
            }
            peakTree = Math.max(peakTree, tree);
            if (System.nanoTime() - started > TimeUnit.MINUTES.toNanos(timeoutMinutes)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
                throw new IOException(String.join(" ", command) + " ran past " + timeoutMinutes + " min; see " + log);
            }
        }
        double wall = (System.nanoTime() - started) / 1e9;
        long peakProcess = peakByPid.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return new Output(process.exitValue(), Files.readAllLines(log, StandardCharsets.UTF_8), wall, peakTree / 1024.0,
            peakProcess / 1024.0, loadBefore, load1(), stealSeconds() - stealBefore, log);
    }

    /** Resident set of a process in KiB, 0 once it is gone. */
    static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // The process ended between listing and reading.
        }
        return 0;
    }

    /** The one-minute load average (NaN where /proc/loadavg is missing). */
    static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /**
     * Seconds of steal since boot, summed over the cores: time a virtual CPU was ready to run but the
     * host ran something else. Linux counts it in USER_HZ ticks, which it fixes at 100 per second
     * on x86 and ARM. NaN where /proc/stat is missing.
     */
    static double stealSeconds() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] cpu = lines.findFirst().orElseThrow().trim().split("\\s+");
            return Long.parseLong(cpu[8]) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }
}
