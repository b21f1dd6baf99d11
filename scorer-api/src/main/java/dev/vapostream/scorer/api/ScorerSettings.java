package dev.vapostream.scorer.api;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The settings of one scorer: the app's {@code scorer.<name>.<key>} properties, keyed by
 * {@code <key>}. Typed getters fail with a message naming the full property.
 */
public final class ScorerSettings {
    private final String scorerName;
    private final Map<String, String> values;

    public ScorerSettings(String scorerName, Map<String, String> values) {
        this.scorerName = scorerName;
        this.values = Map.copyOf(values);
    }

    public static ScorerSettings empty(String scorerName) {
        return new ScorerSettings(scorerName, Map.of());
    }

    /** The full property name of {@code key}, e.g. {@code scorer.overlong.max-tokens}. */
    public String propertyName(String key) {
        return "scorer." + scorerName + "." + key;
    }

    public Optional<String> get(String key) {
        String value = values.get(key);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String getString(String key, String defaultValue) {
        return get(key).orElse(defaultValue);
    }

    public Optional<Integer> getInt(String key) {
        return get(key).map(v -> {
            try {
                return Integer.parseInt(v);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(propertyName(key) + " must be an integer, got '" + v + "'", e);
            }
        });
    }

    public Optional<Double> getDouble(String key) {
        return get(key).map(v -> {
            try {
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException("not finite");
                }
                return d;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(propertyName(key) + " must be a finite number, got '" + v + "'", e);
            }
        });
    }

    /** All settings, sorted by key. */
    public Map<String, String> asMap() {
        return new TreeMap<>(values);
    }

    @Override
    public String toString() {
        return "ScorerSettings" + asMap();
    }
}
