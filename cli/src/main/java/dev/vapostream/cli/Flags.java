package dev.vapostream.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line flags of the form {@code --name value} or {@code --name=value}. A command declares
 * the flags it knows; anything else is an error that lists the known ones, never silently ignored.
 */
public final class Flags {
    private final Map<String, String> values;

    private Flags(Map<String, String> values) {
        this.values = values;
    }

    public static Flags parse(List<String> args, Set<String> known) {
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, String> flag : pairs(args)) {
            if (!known.contains(flag.getKey())) {
                throw new UsageException("unknown flag --" + flag.getKey() + "; known: --"
                    + String.join(", --", new TreeSet<>(known)));
            }
            values.put(flag.getKey(), flag.getValue());
        }
        return new Flags(values);
    }

    /**
     * {@code --name value}, {@code --name=value} and bare {@code --switch} (value "true") as
     * name/value pairs in command-line order.
     */
    static List<Map.Entry<String, String>> pairs(List<String> args) {
        List<Map.Entry<String, String>> pairs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'; flags look like --name value");
            }
            String name = arg.substring(2);
            int eq = name.indexOf('=');
            if (eq >= 0) {
                pairs.add(Map.entry(name.substring(0, eq), name.substring(eq + 1)));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                pairs.add(Map.entry(name, args.get(++i)));
            } else {
                pairs.add(Map.entry(name, "true"));
            }
        }
        return pairs;
    }

    public String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public int getInt(String name, int fallback) {
        String v = values.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be an integer, got '" + v + "'");
        }
    }

    /** A wrong command line: the message says what to change. */
    public static final class UsageException extends RuntimeException {
        public UsageException(String message) {
            super(message);
        }
    }
}
