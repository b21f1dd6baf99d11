package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StagePropertiesTest {

    @Test
    void dashedFlagsBecomeDottedKeysAndDottedOnesPassThrough() {
        Properties p = StageProperties.from(List.of("--bootstrap-servers", "127.0.0.1:9092", "--lambda-critic=0.9",
            "--kafka.security.protocol", "SSL", "--vapo.serde.value.serializer", "x.Ser"));
        assertEquals("127.0.0.1:9092", p.getProperty("bootstrap.servers"));
        assertEquals("0.9", p.getProperty("lambda.critic"));
        assertEquals("SSL", p.getProperty("kafka.security.protocol"));
        assertEquals("x.Ser", p.getProperty("vapo.serde.value.serializer"));
    }

    @Test
    void flagsOverrideTheConfigFileWhereverTheyStand(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("stage.properties"), "alpha=0.1\ngamma=0.99\n");
        Properties p = StageProperties.from(List.of("--alpha", "0.3", "--config", file.toString()));
        assertEquals("0.3", p.getProperty("alpha"));
        assertEquals("0.99", p.getProperty("gamma"));
    }
}
