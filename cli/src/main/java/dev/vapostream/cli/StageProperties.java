package dev.vapostream.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Turns a stage's command line into its properties: {@code --config FILE} is read first, then
 * each flag sets a property. A flag with a dot is taken as it is (e.g.
 * {@code --kafka.security.protocol SSL}); otherwise dashes become dots
 * ({@code --bootstrap-servers} → {@code bootstrap.servers}). Each stage's config record
 * validates the result and names what is missing or wrong.
 */
final class StageProperties {
    private StageProperties() {
    }

    static Properties from(List<String> args) {
        Properties props = new Properties();
        for (Map.Entry<String, String> flag : Flags.pairs(args)) {
            String name = flag.getKey();
            if (name.equals("config")) {
                load(Path.of(flag.getValue()), props);
            } else {
                props.setProperty(name.contains(".") ? name : name.replace('-', '.'), flag.getValue());
            }
        }
        return props;
    }

    /** The properties as {@code key=value} arguments, for stage mains that take them that way. */
    static String[] asKeyValueArguments(Properties props) {
        return props.stringPropertyNames().stream().map(k -> k + "=" + props.getProperty(k)).toArray(String[]::new);
    }

    private static void load(Path file, Properties into) {
        Properties fromFile = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            fromFile.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --config " + file, e);
        }
        // Flags given before --config still win: only keys not set yet are taken from the file.
        fromFile.stringPropertyNames().forEach(k -> into.putIfAbsent(k, fromFile.getProperty(k)));
    }

    /** The integer setting {@code key} (as stored: --max-steps is max.steps), or {@code fallback}; a usage error names the flag. */
    static int intOf(Properties p, String key, int fallback) {
        String v = p.getProperty(key);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Flags.UsageException("--" + key.replace('.', '-') + " must be an integer, got '" + v + "'");
        }
    }

    /** As {@link #intOf} for a number. */
    static double doubleOf(Properties p, String key, double fallback) {
        String v = p.getProperty(key);
        try {
            return v == null ? fallback : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new Flags.UsageException("--" + key.replace('.', '-') + " must be a number, got '" + v + "'");
        }
    }
}
