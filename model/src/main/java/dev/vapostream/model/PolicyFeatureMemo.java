package dev.vapostream.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The frozen policy's per-token features of responses already seen, by content, the least
 * recently used dropped beyond a capacity. They are a fixed function of (prompt, response) while
 * the frozen policy does not change, and a learner with a replay pool scores the same responses
 * many times (each one for every draw that picks it, twice when the value clip's reference is
 * recomputed), so the frozen copy need score each response only once while it is remembered.
 * Thread-safe; the owner {@link #clear() clears} it when the frozen policy's weights change.
 */
final class PolicyFeatureMemo {

    private final Map<Key, float[]> entries;

    /** @param capacity responses remembered, at least 1 */
    PolicyFeatureMemo(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The features remembered for this pair (the response's tokens' one after another), or null. */
    synchronized float[] get(int[] prompt, int[] response) {
        return entries.get(new Key(prompt, response));
    }

    /** Remembers {@code features} for this pair; the prompt and response are copied, so later changes to them do not matter. */
    synchronized void put(int[] prompt, int[] response, float[] features) {
        entries.put(new Key(prompt.clone(), response.clone()), features);
    }

    synchronized int size() {
        return entries.size();
    }

    synchronized void clear() {
        entries.clear();
    }

    private record Key(int[] prompt, int[] response) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(prompt, k.prompt) && Arrays.equals(response, k.response);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(prompt) + Arrays.hashCode(response);
        }

        @Override
        public String toString() {
            return "Key[" + prompt.length + " prompt tokens, " + response.length + " response tokens]";
        }
    }
}
