package dev.vapostream.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockstepRunTest {

    /** A program that, per line read, notes "NAME i" in FILE and reports step i: one warm-up step, then timed ones of i x 10.5 ms. */
    private static List<String> stepper(String name, Path file, int steps) {
        return List.of("bash", "-c", "i=0; while [ $i -lt " + steps + " ] && read -r _; do echo \"" + name + " $i\" >> "
            + file + "; if [ $i -eq 0 ]; then echo \"warm-up step 0: 9.0 ms\"; else echo \"noise\"; echo \"step $i: "
            + "$((i * 10)).5 ms\"; fi; i=$((i + 1)); done; echo finished");
    }

    @Test
    void programsAreSteppedAlternatelyAndTheirTimedStepsKept(@TempDir Path dir) throws Exception {
        // Given two programs with one warm-up step and three timed ones, noting the order they step in
        Path order = dir.resolve("order.txt");
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("a", stepper("a", order, 4));
        commands.put("b", stepper("b", order, 4));

        // When they are stepped for three timed steps each
        LockstepRun.Result result = LockstepRun.run(dir, commands, Map.of(), dir.resolve("logs"), 3, 1);

        // Then one step of each ran at a time, the order reversed every other time, and only timed steps count
        assertEquals(List.of("a 0", "b 0", "b 1", "a 1", "a 2", "b 2", "b 3", "a 3"), Files.readAllLines(order));
        assertEquals(List.of(10.5, 20.5, 30.5), result.stepMillis().get("a"));
        assertEquals(List.of(10.5, 20.5, 30.5), result.stepMillis().get("b"));
        assertTrue(Files.readAllLines(dir.resolve("logs/a.log")).contains("finished"));
    }

    @Test
    void aProgramThatEndsBeforeItsStepStopsTheRunWithItsLog(@TempDir Path dir) {
        // Given a program that runs two steps where three timed ones are asked for
        Map<String, List<String>> commands = new LinkedHashMap<>();
        commands.put("short", stepper("short", dir.resolve("order.txt"), 3));

        // When it is stepped, Then the run stops, naming the program and its log
        IOException e = assertThrows(IOException.class,
            () -> LockstepRun.run(dir, commands, Map.of(), dir.resolve("logs"), 3, 1));
        assertTrue(e.getMessage().contains("short ended before its step"), e.getMessage());
        assertTrue(e.getMessage().contains("short.log"), e.getMessage());
    }
}
