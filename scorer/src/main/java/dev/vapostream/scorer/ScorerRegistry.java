package dev.vapostream.scorer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import dev.vapostream.scorer.api.Scorer;
import dev.vapostream.scorer.api.ScorerSettings;

/** The scorers on the classpath, found with {@link ServiceLoader}, by name. */
public final class ScorerRegistry {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]*");
    private final Map<String, Scorer> byName;

    private ScorerRegistry(Map<String, Scorer> byName) {
        this.byName = Map.copyOf(byName);
    }

    /** Every {@link Scorer} registered in {@code META-INF/services} visible to {@code loader}. */
    public static ScorerRegistry load(ClassLoader loader) {
        Map<String, Scorer> found = new TreeMap<>();
        try {
            for (Scorer scorer : ServiceLoader.load(Scorer.class, loader)) {
                String name = scorer.name();
                if (name == null || !NAME.matcher(name).matches()) {
                    throw new IllegalStateException("scorer " + scorer.getClass().getName() + " has an invalid name '"
                        + name + "': use lower case letters, digits and '-'");
                }
                Scorer previous = found.putIfAbsent(name, scorer);
                if (previous != null) {
                    throw new IllegalStateException("two scorers are named '" + name + "': " + previous.getClass().getName()
                        + " and " + scorer.getClass().getName() + "; remove one jar from the classpath");
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load a scorer plug-in: " + e.getMessage()
                + " (a scorer needs a public no-argument constructor)", e);
        }
        return new ScorerRegistry(found);
    }

    public static ScorerRegistry load() {
        return load(Thread.currentThread().getContextClassLoader());
    }

    public Set<String> names() {
        return new TreeMap<>(byName).keySet();
    }

    /**
     * The configured chain for {@code names} (in order), each scorer configured with its
     * {@code scorer.<name>.*} properties from {@code props}.
     */
    public List<Scorer> chain(List<String> names, Properties props) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException(ScorerConfig.SCORERS + " must name at least one scorer; available: " + names());
        }
        Set<String> seen = new HashSet<>();
        List<Scorer> chain = new ArrayList<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new IllegalArgumentException(ScorerConfig.SCORERS + " names '" + name + "' twice");
            }
            Scorer scorer = byName.get(name);
            if (scorer == null) {
                throw new IllegalArgumentException("unknown scorer '" + name + "' in " + ScorerConfig.SCORERS
                    + "; available: " + names() + ". A custom scorer's jar must be on the classpath and list its class in"
                    + " META-INF/services/" + Scorer.class.getName());
            }
            Scorer configured = scorer.configure(settingsFor(name, props));
            if (configured == null || !name.equals(configured.name())) {
                throw new IllegalStateException("scorer '" + name + "' (" + scorer.getClass().getName()
                    + ") returned " + (configured == null ? "null" : "a scorer named '" + configured.name() + "'")
                    + " from configure()");
            }
            chain.add(configured);
        }
        return List.copyOf(chain);
    }

    static ScorerSettings settingsFor(String name, Properties props) {
        String prefix = "scorer." + name + ".";
        Map<String, String> values = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                values.put(key.substring(prefix.length()), props.getProperty(key));
            }
        }
        return new ScorerSettings(name, values);
    }
}
