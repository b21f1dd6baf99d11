package dev.vapostream.schemas.settings;

import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One setting a stage declares: its key (dotted, as in a properties file), what it means, its
 * default, and how a value is read. The flag form of the key is {@link #flag()}. A setting with
 * no default is either required ({@link #required}) or optional (absent means "not given").
 *
 * @param <T> the type a value reads as
 */
public final class Setting<T> {
    private final String key;
    private final String type;
    private final T defaultValue;
    private final boolean required;
    private final String doc;
    private final Function<String, T> reader;

    private Setting(String key, String type, T defaultValue, boolean required, String doc, Function<String, T> reader) {
        if (key == null || key.isBlank() || !key.equals(key.trim()) || key.contains("-")) {
            throw new IllegalArgumentException("a setting key is dotted lower case with no dashes, got '" + key + "'");
        }
        this.key = key;
        this.type = type;
        this.defaultValue = defaultValue;
        this.required = required;
        this.doc = Objects.requireNonNull(doc, "doc");
        this.reader = reader;
    }

    public static Setting<String> text(String key, String defaultValue, String doc) {
        return new Setting<>(key, "text", Objects.requireNonNull(defaultValue, key), false, doc, v -> v);
    }

    /** Text with no default: {@link Settings#get} is null when it is not given. */
    public static Setting<String> optionalText(String key, String doc) {
        return new Setting<>(key, "text", null, false, doc, v -> v);
    }

    /** Text that must be given; reading settings without it fails with {@code doc} as the hint. */
    public static Setting<String> required(String key, String doc) {
        return new Setting<>(key, "text", null, true, doc, v -> v);
    }

    public static Setting<Integer> integer(String key, int defaultValue, String doc) {
        return new Setting<>(key, "integer", defaultValue, false, doc, v -> parse(key, "an integer", v, Integer::valueOf));
    }

    /** An integer with no default of its own (a preset decides): null when not given. */
    public static Setting<Integer> optionalInteger(String key, String doc) {
        return new Setting<>(key, "integer", null, false, doc, v -> parse(key, "an integer", v, Integer::valueOf));
    }

    public static Setting<Long> longInteger(String key, long defaultValue, String doc) {
        return new Setting<>(key, "integer", defaultValue, false, doc, v -> parse(key, "an integer", v, Long::valueOf));
    }

    /** An integer with no default: {@link Settings#get} is null when it is not given. */
    public static Setting<Long> optionalLong(String key, String doc) {
        return new Setting<>(key, "integer", null, false, doc, v -> parse(key, "an integer", v, Long::valueOf));
    }

    public static Setting<Double> number(String key, double defaultValue, String doc) {
        return new Setting<>(key, "number", defaultValue, false, doc, v -> parse(key, "a number", v, Double::valueOf));
    }

    /** A number with no default of its own (the default comes from a preset): null when not given. */
    public static Setting<Double> optionalNumber(String key, String doc) {
        return new Setting<>(key, "number", null, false, doc, v -> parse(key, "a number", v, Double::valueOf));
    }

    public static Setting<Boolean> bool(String key, boolean defaultValue, String doc) {
        return new Setting<>(key, "true|false", defaultValue, false, doc, v -> readBoolean(key, v));
    }

    /** A switch with no default of its own (a preset decides): null when not given. */
    public static Setting<Boolean> optionalBool(String key, String doc) {
        return new Setting<>(key, "true|false", null, false, doc, v -> readBoolean(key, v));
    }

    /** One of a fixed set of words (case-insensitive), e.g. {@code cpu|gpu}; the default is the first. */
    public static Setting<String> choice(String key, String doc, String... words) {
        String allowed = String.join("|", words);
        return new Setting<>(key, allowed, words[0], false, doc, v -> {
            String lower = v.toLowerCase(Locale.ROOT);
            for (String w : words) {
                if (w.equals(lower)) {
                    return w;
                }
            }
            throw new IllegalArgumentException(key + " must be one of " + String.join(", ", words) + ", got '" + v + "'");
        });
    }

    public String key() {
        return key;
    }

    /** The command-line form: {@code max.steps} is {@code --max-steps}. */
    public String flag() {
        return "--" + key.replace('.', '-');
    }

    public String type() {
        return type;
    }

    public String doc() {
        return doc;
    }

    public boolean isRequired() {
        return required;
    }

    /** The default, or null where there is none. */
    public T defaultValue() {
        return defaultValue;
    }

    /** Reads a value as given (trimmed); a value of the wrong form is an error that names the key. */
    public T read(String raw) {
        return reader.apply(raw.trim());
    }

    @Override
    public String toString() {
        return key;
    }

    private static <T> T parse(String key, String what, String v, Function<String, T> parser) {
        try {
            return parser.apply(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be " + what + ", got '" + v + "'");
        }
    }

    private static boolean readBoolean(String key, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        };
    }
}
