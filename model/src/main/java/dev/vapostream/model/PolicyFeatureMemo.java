package dev.vapostream.model;

import java.util.Arrays;
import java.util.LinkedHashMap;

/**
 * The frozen policy's per-token features of responses already seen, by content, the least
 * recently used dropped beyond a capacity. They are a fixed function of (prompt, response) while
 * the frozen policy does not change, and a learner with a replay pool scores the same responses
 * many times (each one for every draw that picks it, twice when the value clip's reference is
 * recomputed), so the frozen copy need score each response only once while it is remembered.
 * It starts with capacity 0, remembering nothing: only the owner of a replay pool has a reason to
 * remember, and sizes it to the pool. Thread-safe; the owner {@link #clear() clears} it when the
 * frozen policy's weights change.
 */
final class PolicyFeatureMemo {

    private final LinkedHashMap<Key, float[]> entries = new LinkedHashMap<>(16, 0.75f, true);
    private int capacity;

    /**
     * Remembers at most {@code responses} from now on, forgetting the least recently used beyond
     * that at once.
     */
    synchronized void resize(int responses) {
        if (responses < 0) {
            throw new IllegalArgumentException("responses remembered must be at least 0, got " + responses);
        }
        capacity = responses;
        forgetBeyondCapacity();
    }

    synchronized int capacity() {
        return capacity;
    }

    /** The features remembered for this pair (the response's tokens' one after another), or null. */
    synchronized float[] get(int[] prompt, int[] response) {
        return entries.get(new Key(prompt, response));
    }

    /** Remembers {@code features} for this pair; the prompt and response are copied, so later changes to them do not matter. */
    synchronized void put(int[] prompt, int[] response, float[] features) {
        if (capacity == 0) {
            return;
        }
        entries.put(new Key(prompt.clone(), response.clone()), features);
        forgetBeyondCapacity();
    }

    // Access order: the first entry is the least recently used.
    private void forgetBeyondCapacity() {
        var eldestFirst = entries.keySet().iterator();
        while (entries.size() > capacity) {
            eldestFirst.next();
            eldestFirst.remove();
        }
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
