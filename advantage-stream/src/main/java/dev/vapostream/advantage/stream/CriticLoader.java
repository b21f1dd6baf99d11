package dev.vapostream.advantage.stream;

/** Builds a {@link Critic} from a weight payload as published on {@code vapo.weights}. */
@FunctionalInterface
public interface CriticLoader {
    Critic load(byte[] payload);
}
