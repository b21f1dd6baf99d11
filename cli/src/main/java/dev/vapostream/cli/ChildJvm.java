package dev.vapostream.cli;

import java.util.ArrayList;
import java.util.List;

/** The system properties a child JVM must get to run like this one (registry location, DJL flags). */
final class ChildJvm {
    private static final List<String> INHERITED = List.of("vapo.registry.home", "ai.djl.offline", "DJL_CACHE_DIR",
        "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads", "java.awt.headless");

    private ChildJvm() {
    }

    static List<String> inheritedSystemProperties() {
        List<String> flags = new ArrayList<>();
        for (String key : INHERITED) {
            String value = System.getProperty(key);
            if (value != null) {
                flags.add("-D" + key + "=" + value);
            }
        }
        return flags;
    }
}
