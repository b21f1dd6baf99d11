package dev.vapostream.generator;

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

class GeneratorAppTest {

    @Test
    void settingsFilesAreReadInOrderAndKeyValueArgumentsWin(@TempDir Path dir) throws IOException {
        // Given two settings files and an override
        Path base = Files.writeString(dir.resolve("base.properties"), "group.size=8\nworker.id=base\nseed=1\n");
        Path site = Files.writeString(dir.resolve("site.properties"), "worker.id=site\n");
        // When the arguments are read
        Properties p = StageArguments.load(new String[] {base.toString(), site.toString(), "seed=2", "top.p = 0.9"});
        // Then later files override earlier ones and key=value arguments override files
        assertEquals("8", p.getProperty("group.size"));
        assertEquals("site", p.getProperty("worker.id"));
        assertEquals("2", p.getProperty("seed"));
        assertEquals("0.9", p.getProperty("top.p"));
    }

    @Test
    void aMissingSettingsFileIsNamed(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class,
            () -> StageArguments.load(new String[] {dir.resolve("nope.properties").toString()}));
        assertTrue(e.getMessage().contains("nope.properties"), e.getMessage());
    }
}
