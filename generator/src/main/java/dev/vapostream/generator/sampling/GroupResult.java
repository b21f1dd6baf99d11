package dev.vapostream.generator.sampling;

/** What sampling one prompt gave: its group, or the reason it could not be sampled. */
public sealed interface GroupResult {

    PreparedPrompt prompt();

    record Sampled(SampledGroup group) implements GroupResult {
        @Override
        public PreparedPrompt prompt() {
            return group.prompt();
        }
    }

    record Failed(PreparedPrompt prompt, RuntimeException error) implements GroupResult {
    }
}
