package dev.vapostream.schemas.settings;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings one stage or command declares: its typed keys, and the prefixes whose keys it
 * passes on untouched ({@code kafka.}, {@code vapo.serde.}). Reading properties against it fails on
 * any key it does not declare, and the message suggests the nearest declared key.
 */
public final class SettingsSpec {
    private final String name;
    private final Map<String, Setting<?>> settings;
    private final List<String> prefixes;

    private SettingsSpec(String name, Map<String, Setting<?>> settings, List<String> prefixes) {
        this.name = name;
        this.settings = settings;
        this.prefixes = List.copyOf(prefixes);
    }

    /** A spec named after what reads it ("learner", "vapo train"); a key declared twice is an error. */
    public static SettingsSpec of(String name, List<Setting<?>> settings, List<String> passThroughPrefixes) {
        Map<String, Setting<?>> byKey = new LinkedHashMap<>();
        for (Setting<?> s : settings) {
            if (byKey.putIfAbsent(s.key(), s) != null) {
                throw new IllegalArgumentException(name + " declares " + s.key() + " twice");
            }
        }
        return new SettingsSpec(name, byKey, passThroughPrefixes);
    }

    /**
     * This spec and {@code other}'s keys together, under this name. A key both declare is kept once
     * (this spec's declaration).
     */
    public SettingsSpec plus(SettingsSpec other) {
        Map<String, Setting<?>> merged = new LinkedHashMap<>(settings);
        other.settings.forEach(merged::putIfAbsent);
        List<String> mergedPrefixes = new ArrayList<>(prefixes);
        other.prefixes.stream().filter(p -> !mergedPrefixes.contains(p)).forEach(mergedPrefixes::add);
        return new SettingsSpec(name, merged, mergedPrefixes);
    }

    /** This spec without {@code keys}, e.g. the settings an orchestrator sets itself. */
    public SettingsSpec without(Collection<String> keys) {
        Map<String, Setting<?>> kept = new LinkedHashMap<>(settings);
        kept.keySet().removeAll(keys);
        return new SettingsSpec(name, kept, prefixes);
    }

    public String name() {
        return name;
    }

    public Collection<Setting<?>> settings() {
        return settings.values();
    }

    public List<String> passThroughPrefixes() {
        return prefixes;
    }

    /** Whether {@code key} is one of this spec's keys or starts with one of its prefixes. */
    public boolean declares(String key) {
        return settings.containsKey(key) || prefixes.stream().anyMatch(key::startsWith);
    }

    /** The declared setting with this key, or null. */
    public Setting<?> setting(String key) {
        return settings.get(key);
    }

    /**
     * Reads {@code props}: every key must be declared, every value of the declared form. Fails with
     * the unknown keys and the nearest declared key for each.
     */
    public Settings read(Properties props) {
        Set<String> unknown = unknownKeys(props);
        if (!unknown.isEmpty()) {
            List<String> hints = new ArrayList<>();
            for (String key : unknown) {
                String near = nearest(key);
                hints.add(key + (near == null ? "" : " (did you mean " + near + "?)"));
            }
            throw new IllegalArgumentException(name + ": unknown setting" + (unknown.size() > 1 ? "s " : " ")
                + String.join(", ", hints) + (prefixes.isEmpty() ? "" : "; settings passed on untouched take a prefix: "
                + String.join(", ", prefixes)));
        }
        return new Settings(this, props);
    }

    /** The keys of {@code props} this spec does not declare. */
    public Set<String> unknownKeys(Properties props) {
        Set<String> unknown = new TreeSet<>();
        for (String key : props.stringPropertyNames()) {
            if (!declares(key)) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** The entries of {@code props} whose keys this spec declares. */
    public Properties select(Properties props) {
        Properties selected = new Properties();
        for (String key : props.stringPropertyNames()) {
            if (declares(key)) {
                selected.setProperty(key, props.getProperty(key));
            }
        }
        return selected;
    }

    /** The declared key closest to {@code key} in edit distance, if it is close enough to be a likely typo. */
    public String nearest(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String known : settings.keySet()) {
            int d = editDistance(key, known);
            if (d < bestDistance) {
                bestDistance = d;
                best = known;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
