package dev.vapostream.generator.sampling;

import java.util.List;

import dev.vapostream.model.sampling.SampledResponse;

/** The G responses sampled for one prompt, in sampling order, all from the same policy weights. */
public record SampledGroup(PreparedPrompt prompt, List<SampledResponse> responses) {
    public SampledGroup {
        responses = List.copyOf(responses);
    }

    /** Response tokens of the whole group (EOS included), for throughput counting. */
    public int tokenCount() {
        return responses.stream().mapToInt(SampledResponse::length).sum();
    }
}
