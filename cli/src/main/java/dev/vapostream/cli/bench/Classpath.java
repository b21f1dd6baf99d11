package dev.vapostream.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A classpath written as entries joined by ':', where {@code @FILE} stands for the classpath FILE holds. */
final class Classpath {
    private Classpath() {
    }

    static String resolve(String spec) {
        List<String> entries = new ArrayList<>();
        for (String entry : spec.split(":")) {
            if (!entry.startsWith("@")) {
                entries.add(entry);
                continue;
            }
            Path file = Path.of(entry.substring(1));
            if (!Files.exists(file)) {
                throw new IllegalStateException(file + " is missing: build the benchmark classes first with"
                    + " ./mvnw -B -q install -DskipTests");
            }
            try {
                entries.add(Files.readString(file).trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return String.join(":", entries);
    }
}
