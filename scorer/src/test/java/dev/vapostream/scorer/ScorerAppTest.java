package dev.vapostream.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.vapostream.schemas.StageArguments;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerAppTest {

    @Test
    void keyValueArgumentsOverrideSettingsFiles(@TempDir Path dir) throws IOException {
        // Given a settings file and a command-line override of one of its keys
        Path file = dir.resolve("scorer.properties");
        Files.writeString(file, "scorers=correctness\nregistry.url=http://127.0.0.1:1\n");
        // When the arguments are read
        Properties props = StageArguments.load(new String[] {file.toString(), "scorers=correctness,overlong"});
        // Then the override wins and the file's other keys remain
        assertEquals("correctness,overlong", props.getProperty("scorers"));
        assertEquals("http://127.0.0.1:1", props.getProperty("registry.url"));
    }

    @Test
    void anUnreadableSettingsFileIsAClearError(@TempDir Path dir) {
        // Given a path that does not exist When read Then the error names it
        IOException e = assertThrows(IOException.class,
            () -> StageArguments.load(new String[] {dir.resolve("missing.properties").toString()}));
        assertTrue(e.getMessage().contains("missing.properties"), e.getMessage());
    }
}
