package dev.vapostream.scorer.api;

import java.util.List;

import dev.vapostream.schemas.avro.ResponseGroup;

/**
 * A reward function: one response group in, one {@link Score} per response out.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/dev.vapostream.scorer.api.Scorer} of your jar, put the jar on the scorer
 * app's classpath and select it by {@link #name()} in the {@code scorers} setting. The loader
 * needs a public no-argument constructor; settings arrive through {@link #configure}.
 *
 * <p>The app calls {@link #score} from a worker thread with a time limit per group and never
 * concurrently on the same instance from two threads of one task, but one instance may serve
 * several Streams tasks: keep it stateless or thread-safe. Throwing (or running past the limit,
 * which interrupts the worker) sends the whole group to the dead-letter topic with the reason;
 * it is never turned into a reward of 0.
 */
public interface Scorer {

    /** The name users select in {@code scorers=...}: lower case letters, digits and '-'. */
    String name();

    /**
     * The version recorded with every reward this scorer produces. Bump it whenever the same
     * input would be scored differently; include settings that change scores.
     */
    String version();

    /**
     * A scorer configured with {@code settings}, the {@code scorer.<name>.*} settings of the app
     * with that prefix removed. Return a new instance (or this one, when there is nothing to
     * configure); throw {@link IllegalArgumentException} for a bad setting so the app refuses to
     * start with a clear message.
     */
    default Scorer configure(ScorerSettings settings) {
        return this;
    }

    /**
     * Scores every response of {@code group}, in the order of {@code group.getResponses()}.
     *
     * @return exactly one score per response
     * @throws Exception when the group cannot be scored; it then goes to the dead-letter topic
     */
    List<Score> score(ResponseGroup group) throws Exception;
}
