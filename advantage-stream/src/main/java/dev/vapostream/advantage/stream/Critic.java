package dev.vapostream.advantage.stream;

import java.util.List;

/** A value model loaded with one weight version, answering for one group at a time. */
public interface Critic extends AutoCloseable {

    /** V(s_t) for every token of every response of a group, one array per response (batched inference). */
    List<float[]> values(List<Integer> promptTokens, List<List<Integer>> responses);

    @Override
    void close();
}
