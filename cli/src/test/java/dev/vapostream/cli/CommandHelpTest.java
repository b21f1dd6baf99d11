package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class CommandHelpTest {

    @Test
    void helpOfEveryCommandPrintsItsEntryAndRunsNothing() throws Exception {
        for (String command : List.of("train", "eval", "replay", "scorer", "learner", "generator", "ablate", "pretrain")) {
            // Given a command asked for help, as a new user would
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            PrintStream saved = System.out;
            int exit;
            try {
                System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
                // When vapo runs it
                exit = Vapo.run(List.of(command, "--help"));
            } finally {
                System.setOut(saved);
            }
            // Then it prints the command's usage first and succeeds: a started command would print its own output first
            String text = out.toString(StandardCharsets.UTF_8);
            assertEquals(0, exit, command);
            assertTrue(text.startsWith("usage: vapo " + command), text);
            assertTrue(text.contains("\n  " + command + " "), text);
        }
    }

    @Test
    void helpOfAnUnknownCommandIsAUsageError() throws Exception {
        assertEquals(2, Vapo.run(List.of("trian", "--help")));
    }
}
