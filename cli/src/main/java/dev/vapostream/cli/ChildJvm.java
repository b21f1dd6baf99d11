package dev.vapostream.cli;

import java.util.ArrayList;
import java.util.List;

/** The system properties a child JVM must get to run like this one (registry location, DJL flags). */
final class ChildJvm {
    private static final List<String> INHERITED = List.of("vapo.registry.home", "ai.djl.offline", "DJL_CACHE_DIR",
        "ai.djl.pytorch.num_threads", "ai.djl.pytorch.num_interop_threads", "java.awt.headless");

    private ChildJvm() {
    }

    /** The command line of {@code vapo <command> <args>} in a new JVM with this JVM's java, classpath and properties. */
    static List<String> vapoCommand(String command, List<String> args) {
        List<String> line = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        line.addAll(inheritedSystemProperties());
        line.addAll(List.of("-cp", System.getProperty("java.class.path"), Vapo.class.getName(), command));
        line.addAll(args);
        return line;
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
