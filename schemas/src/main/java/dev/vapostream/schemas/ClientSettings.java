package dev.vapostream.schemas;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings carried through a stage's configuration under {@code kafka.}: e.g.
 * {@code kafka.security.protocol=SASL_SSL} reaches every client of the stage as
 * {@code security.protocol=SASL_SSL}, untouched.
 */
public final class ClientSettings {
    public static final String PREFIX = "kafka.";

    private ClientSettings() {
    }

    /** The {@code kafka.*} entries of {@code props}, prefix removed. */
    public static Map<String, String> from(Properties props) {
        Map<String, String> settings = new HashMap<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(PREFIX)) {
                settings.put(key.substring(PREFIX.length()), props.getProperty(key));
            }
        }
        return settings;
    }
}
