package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import dev.vapostream.schemas.settings.Setting;
import org.junit.jupiter.api.Test;

class CommandHelpTest {

    private static String capture(List<String> args, int[] exit) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            exit[0] = Vapo.run(args);
        } finally {
            System.setOut(saved);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpOfEveryCommandListsEveryFlagItTakesAndRunsNothing() throws Exception {
        for (SettingsCommand command : Vapo.COMMANDS) {
            // Given a command asked for help, as a new user would
            int[] exit = new int[1];
            // When vapo runs it
            String text = capture(List.of(command.name(), "--help"), exit);
            // Then it prints the usage generated from the command's settings first and succeeds: a started
            // command would print its own output first
            assertEquals(0, exit[0], command.name());
            assertTrue(text.startsWith("Usage: vapo " + command.name()), text);
            for (Setting<?> setting : command.spec().settings()) {
                assertTrue(text.contains(setting.flag()), command.name() + " --help lacks " + setting.flag());
            }
        }
    }

    @Test
    void trainHelpShowsTheLearnersAndTheStagesFlagsWithTheirDefaults() throws Exception {
        int[] exit = new int[1];
        String text = capture(List.of("train", "--help"), exit);
        assertTrue(text.contains("--max-steps=<integer>"), text);
        assertTrue(text.contains("(default 300)"), text);
        assertTrue(text.contains("--group-timeout-ms") && text.contains("--alpha") && text.contains("--temperature"), text);
    }

    @Test
    void anUnknownCommandIsAUsageErrorAndTheListNamesEveryCommand() throws Exception {
        assertEquals(2, Vapo.run(List.of("trian", "--help")));
        String list = Vapo.usage();
        for (SettingsCommand command : Vapo.COMMANDS) {
            assertTrue(list.contains("  " + command.name() + " "), list);
        }
    }
}
