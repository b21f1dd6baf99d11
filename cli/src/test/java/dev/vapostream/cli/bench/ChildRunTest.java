package dev.vapostream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildRunTest {

    @Test
    void aChildsOutputEnvironmentAndMemoryAreRecorded(@TempDir Path dir) throws Exception {
        // Given a child that prints its environment's value and holds ~64 MiB for a moment
        List<String> command = List.of("bash", "-c",
            "echo value=$BENCH_TEST; /usr/bin/python3 -c 'import time; b = bytes([1]) * (64 << 20); time.sleep(0.6)'");

        // When it runs
        ChildRun.Output out = ChildRun.run(dir, command, Map.of("BENCH_TEST", "42"), dir.resolve("logs/c.log"), 1);

        // Then its output is kept, and the memory it held was seen
        assertEquals(0, out.exitCode());
        assertEquals("value=42", out.lines().get(0));
        assertTrue(out.peakTreeRssMiB() >= 64, "peak " + out.peakTreeRssMiB());
    }

    @Test
    void stealIsReadFromTheKernelsCounters() {
        // Given this Linux machine's /proc/stat, When steal is read twice, Then it is a count of seconds that never falls
        double first = ChildRun.stealSeconds();
        double second = ChildRun.stealSeconds();

        assertTrue(first >= 0, "steal " + first);
        assertTrue(second >= first, first + " then " + second);
    }

    @Test
    void aProgramThatFailsStopsTheCaseWithItsLog(@TempDir Path dir) {
        BenchCase failing = new BenchCase("failing", "a failing case", 1, List.of(),
            List.of(new BenchProgram("p", r -> List.of("bash", "-c", "echo broken; exit 3"), (o, r, f) -> Map.of())),
            "none");

        IOException e = assertThrows(IOException.class, () -> new BenchRunner(dir, dir.resolve("logs")).run(failing));

        assertTrue(e.getMessage().contains("exited with 3"), e.getMessage());
        assertTrue(e.getMessage().contains("p-1.log"), e.getMessage());
    }
}
