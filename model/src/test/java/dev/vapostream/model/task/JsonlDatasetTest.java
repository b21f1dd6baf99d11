package dev.vapostream.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlDatasetTest {

    @TempDir
    Path directory;

    @Test
    void writtenExamplesReadBackEqualOnePerLine() throws IOException {
        // Given examples including characters JSON must escape
        List<TaskExample> examples = List.of(new TaskExample("a", "3+5=", "8"),
                new TaskExample("b \"quoted\"", "line\nbreak \u00e9", "-12"));
        Path file = directory.resolve("sub/data.jsonl");
        // When written and read back
        JsonlDataset.write(file, examples);
        // Then they are equal and each is one line
        assertEquals(examples, JsonlDataset.read(file));
        assertEquals(2, Files.readAllLines(file, StandardCharsets.UTF_8).size());
    }

    @Test
    void builtInSplitsAreWrittenToTheirFiles() throws IOException {
        JsonlDataset.writeBuiltInSplits(directory, BuiltInTask.DEFAULT, 9L, 30, 10);
        List<TaskExample> train = JsonlDataset.read(directory.resolve(JsonlDataset.TRAIN_FILE));
        List<TaskExample> heldOut = JsonlDataset.read(directory.resolve(JsonlDataset.HELD_OUT_FILE));
        assertEquals(new TaskGenerator(BuiltInTask.DEFAULT, 9L).generate(Split.TRAIN, 30), train);
        assertEquals(10, heldOut.size());
    }

    @Test
    void tagsAreWrittenOnlyWhenPresentAndReadBack() throws IOException {
        // Given one tagged and one untagged example
        List<TaskExample> examples = List.of(new TaskExample("a", "3+5=", "8").withTag("hard"), new TaskExample("b", "1+1=", "2"));
        Path file = directory.resolve("tags.jsonl");
        // When written and read back
        JsonlDataset.write(file, examples);
        // Then the tags survive, and the untagged line carries no tags field
        assertEquals(examples, JsonlDataset.read(file));
        assertEquals(List.of("hard"), JsonlDataset.read(file).get(0).tags());
        assertTrue(Files.readAllLines(file, StandardCharsets.UTF_8).get(1).indexOf("tags") < 0);
    }

    @Test
    void tagsThatAreNotAListOfStringsAreRejected() throws IOException {
        assertRejected("{\"id\":\"x\",\"prompt\":\"1=\",\"answer\":\"1\",\"tags\":\"hard\"}\n", ":1:");
        assertRejected("{\"id\":\"x\",\"prompt\":\"1=\",\"answer\":\"1\",\"tags\":[1]}\n", ":1:");
    }

    @Test
    void extraFieldsAndBlankLinesAreAccepted() throws IOException {
        Path file = directory.resolve("extra.jsonl");
        Files.writeString(file, "{\"id\":\"x\",\"prompt\":\"1=\",\"answer\":\"1\",\"level\":3}\n\n");
        assertEquals(List.of(new TaskExample("x", "1=", "1")), JsonlDataset.read(file));
    }

    @Test
    void badLinesAreRejectedWithTheirLineNumber() throws IOException {
        assertRejected("{\"id\":\"x\",\"prompt\":\"1=\"}\n", ":1:");
        assertRejected("{\"id\":\"x\",\"prompt\":\"1=\",\"answer\":\"1\"}\n{\"id\":\"y\",\"prompt\":\"1=\",\"answer\":\"one\"}\n", ":2:");
        assertRejected("{\"id\":\"x\",\"prompt\":\"1=\",\"answer\":\"1\"}\n{\"id\":\"x\",\"prompt\":\"2=\",\"answer\":\"2\"}\n", ":2:");
        assertRejected("not json\n", ":1:");
    }

    private void assertRejected(String content, String location) throws IOException {
        Path file = directory.resolve("bad.jsonl");
        Files.writeString(file, content);
        IOException error = assertThrows(IOException.class, () -> JsonlDataset.read(file));
        assertTrue(error.getMessage().contains(location), error.getMessage());
    }
}
