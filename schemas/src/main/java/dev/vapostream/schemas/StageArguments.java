package dev.vapostream.schemas;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** A stage main's arguments: settings files and {@code key=value} pairs; pairs win over files. */
public final class StageArguments {
    private StageArguments() {
    }

    public static Properties load(String[] args) throws IOException {
        Properties files = new Properties();
        Properties overrides = new Properties();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0) {
                overrides.setProperty(arg.substring(0, eq).trim(), arg.substring(eq + 1).trim());
            } else {
                Path path = Path.of(arg);
                if (!Files.isReadable(path)) {
                    throw new IOException("cannot read settings file " + path.toAbsolutePath()
                        + " (arguments are settings files or key=value)");
                }
                try (Reader reader = Files.newBufferedReader(path)) {
                    files.load(reader);
                }
            }
        }
        files.putAll(overrides);
        return files;
    }
}
