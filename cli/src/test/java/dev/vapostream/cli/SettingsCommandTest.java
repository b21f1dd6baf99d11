package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import dev.vapostream.schemas.settings.Setting;
import dev.vapostream.schemas.settings.SettingsSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsCommandTest {
    private static final SettingsSpec SPEC = SettingsSpec.of("demo", List.of(
        Setting.integer("max.steps", 300, "policy updates"),
        Setting.optionalBool("dynamic.sampling", "drop groups without signal"),
        Setting.text("run.dir", "runs/train", "the run folder")), List.of("kafka."));

    private final AtomicReference<Properties> received = new AtomicReference<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        SettingsCommand command = SettingsCommand.stage("demo", "A demo command.", SPEC, (p, positionals) -> {
            received.set(p);
            return 0;
        });
        return command.execute(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void flagsBecomeTheirKeysAndPrefixedSettingsPassThrough() throws Exception {
        // Given a flag, a bare switch and a Kafka client setting When run
        int exit = run("--max-steps", "7", "--dynamic-sampling", "--kafka.acks=all");
        // Then the command gets each under its key, nothing else
        assertEquals(0, exit);
        Properties p = received.get();
        assertEquals("7", p.getProperty("max.steps"));
        assertEquals("true", p.getProperty("dynamic.sampling"));
        assertEquals("all", p.getProperty("kafka.acks"));
        assertEquals(3, p.size());
    }

    @Test
    void aMistypedFlagIsAnErrorThatSuggestsTheFlagAndRunsNothing() throws Exception {
        // Given a typo of --max-steps When run
        int exit = run("--max-stepz", "5");
        // Then it is a usage error naming the typo and the likely flag, and the command did not run
        assertEquals(2, exit);
        String message = err.toString(StandardCharsets.UTF_8);
        assertTrue(message.startsWith("vapo demo: unknown flag --max-stepz (did you mean --max-steps?)"), message);
        assertNull(received.get());
    }

    @Test
    void helpListsEveryKeyWithItsDefaultAndRunsNothing() throws Exception {
        // When asked for help
        int exit = run("--help");
        // Then the usage comes from the declared keys, and the command did not run
        String usage = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit);
        assertTrue(usage.startsWith("Usage: vapo demo"), usage);
        assertTrue(usage.contains("--max-steps=<integer>") && usage.contains("policy updates (default 300)"), usage);
        assertTrue(usage.contains("--dynamic-sampling") && usage.contains("--run-dir") && usage.contains("--config"), usage);
        assertTrue(usage.contains("--kafka.KEY"), usage);
        assertNull(received.get());
    }

    @Test
    void aConfigFileFillsWhatTheFlagsLeaveAndItsKeysAreChecked(@TempDir Path dir) throws Exception {
        // Given a file with two settings, one of which a flag also sets
        Path file = dir.resolve("demo.properties");
        Files.writeString(file, "max.steps=40\nrun.dir=runs/x\n");
        // When run with the file and the flag
        assertEquals(0, run("--config", file.toString(), "--max-steps", "9"));
        // Then the flag wins and the file gives the rest
        assertEquals("9", received.get().getProperty("max.steps"));
        assertEquals("runs/x", received.get().getProperty("run.dir"));

        // Given a file with a typo When run Then it is refused with the nearest key
        Files.writeString(file, "max.stepz=40\n");
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class,
            () -> run("--config", file.toString()));
        assertTrue(e.getMessage().contains("max.stepz (did you mean max.steps?)"), e.getMessage());
    }
}
