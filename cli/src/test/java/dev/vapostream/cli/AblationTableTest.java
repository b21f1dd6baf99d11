package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AblationTableTest {

    @Test
    void meanAndSpreadPerConfigurationBesideThePaper(@TempDir Path dir) throws Exception {
        Path results = Files.writeString(dir.resolve("results.jsonl"), String.join("\n",
            "{\"configuration\":\"vapo\",\"seed\":1,\"heldOutAccuracy\":0.4000,\"run\":\"a\"}",
            "{\"configuration\":\"vapo\",\"seed\":2,\"heldOutAccuracy\":0.6000,\"run\":\"b\"}",
            "{\"configuration\":\"ppo\",\"seed\":1,\"heldOutAccuracy\":0.1000,\"run\":\"c\"}") + "\n");
        String table = AblationTable.render(results);
        assertTrue(table.contains("| vapo | 2 | 50.0 ± 14.1 | 60 |"), table);
        assertTrue(table.contains("| ppo | 1 | 10.0 ± 0.0 | 5 |"), table);
        assertTrue(table.contains("| dapo | 0 | — | 50 |"), table);
        assertEquals("no-value-pretraining", AblateCommand.slug("w/o value pretraining"));
    }
}
