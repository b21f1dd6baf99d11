package dev.vapostream.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * One stage as its own OS process, {@code vapo <stage> --config FILE}, as an operator runs it: killed
 * with SIGKILL and restarted with the same settings (and so the same worker id, application id or
 * run folder) by a fault-injection test. Its output is appended to one log across restarts.
 */
final class StageProcess implements AutoCloseable {
    private final String stage;
    private final Path config;
    private final Path log;
    private Process process;
    private int starts;

    private StageProcess(String stage, Path config, Path log) {
        this.stage = stage;
        this.config = config;
        this.log = log;
    }

    /** Writes {@code settings} to a file and starts {@code vapo <command> --config FILE}. */
    static StageProcess start(String command, String name, Properties settings, Path dir) throws IOException {
        Path config = dir.resolve(name + ".properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            settings.store(w, name);
        }
        StageProcess p = new StageProcess(command, config, dir.resolve(name + ".log"));
        p.startProcess();
        return p;
    }

    private void startProcess() throws IOException {
        process = new ProcessBuilder(ChildJvm.vapoCommand(stage, List.of("--config", config.toString())))
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        starts++;
    }

    /** SIGKILL, as a crash: no shutdown hook runs, no transaction is ended, no group is left. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts it again on the same settings. */
    void restart() throws IOException {
        startProcess();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits for the process to end by itself; its exit code, or -1 if it is still running. */
    int awaitExit(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS) ? process.exitValue() : -1;
    }

    int starts() {
        return starts;
    }

    String logTail(int lines) {
        return logTail(lines, null);
    }

    /** How many lines of the log contain {@code text}. */
    long logLinesWith(String text) {
        try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.contains(text)).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + log, e);
        }
    }

    /**
     * The last {@code lines} lines of the log that do not contain {@code noise} (if not null): a client's
     * once-a-second warning can otherwise fill a failure message and hide what the stage did.
     */
    String logTail(int lines, String noise) {
        try {
            List<String> all = new ArrayList<>(Files.readAllLines(log, StandardCharsets.UTF_8));
            if (noise != null) {
                all.removeIf(line -> line.contains(noise));
            }
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM, as an operator stops a stage; its exit code, or -1 if it had to be killed after 60 s. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (process.waitFor(60, TimeUnit.SECONDS)) {
            return process.exitValue();
        }
        kill();
        return -1;
    }

    /** SIGTERM (a clean stop), then SIGKILL if it has not stopped within 30 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
