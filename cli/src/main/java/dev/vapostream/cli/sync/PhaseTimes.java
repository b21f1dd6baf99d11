package dev.vapostream.cli.sync;

import java.util.LinkedHashMap;
import java.util.Map;

/** Wall time of a step's phases, each lap ending where the next begins: {@code sampleSeconds}, ... */
final class PhaseTimes {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private long lapStarted = System.nanoTime();

    /** Ends the phase {@code name} now (adding to it if it ran before) and starts the next. */
    void lap(String name) {
        long now = System.nanoTime();
        seconds.merge(name + "Seconds", (now - lapStarted) / 1e9, Double::sum);
        lapStarted = now;
    }

    Map<String, Double> seconds() {
        Map<String, Double> all = new LinkedHashMap<>(seconds);
        all.put("stepSeconds", total());
        return all;
    }

    double total() {
        return seconds.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
