package dev.vapostream.schemas.settings;

import java.util.Properties;

/** Properties read against a {@link SettingsSpec}: typed values, defaults where not given. */
public final class Settings {
    private final SettingsSpec spec;
    private final Properties given;

    Settings(SettingsSpec spec, Properties given) {
        this.spec = spec;
        this.given = new Properties();
        given.stringPropertyNames().forEach(k -> this.given.setProperty(k, given.getProperty(k)));
    }

    /**
     * The value given for {@code setting}, else its default (null for an optional setting with none).
     * A required setting that is missing, or blank, is an error naming the key, its flag and what it is for.
     */
    public <T> T get(Setting<T> setting) {
        if (spec.setting(setting.key()) != setting) {
            throw new IllegalStateException(spec.name() + " does not declare " + setting.key());
        }
        String raw = given.getProperty(setting.key());
        if (raw == null || raw.isBlank()) {
            if (setting.isRequired()) {
                throw new IllegalArgumentException("missing required setting " + setting.key() + " (" + setting.flag()
                    + "): " + setting.doc());
            }
            return setting.defaultValue();
        }
        return setting.read(raw);
    }

    /** Whether a value was given for {@code setting} (as opposed to its default). */
    public boolean isGiven(Setting<?> setting) {
        String raw = given.getProperty(setting.key());
        return raw != null && !raw.isBlank();
    }

    /** The properties as given: declared keys and pass-through prefixes, nothing added. */
    public Properties toProperties() {
        Properties copy = new Properties();
        given.stringPropertyNames().forEach(k -> copy.setProperty(k, given.getProperty(k)));
        return copy;
    }
}
