package dev.vapostream.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import dev.vapostream.generator.bench.RecomputeSampler;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import org.junit.jupiter.api.Test;

class RecomputeSamplerTest {

    @Test
    void theNoCacheBaselineSamplesWhatTheKvCachedSamplerSamples() {
        // Given a policy and prompts of different lengths (so padding is exercised)
        List<int[]> prompts = List.of(TestPolicies.TOKENIZER.encodePrompt("3+5="),
            TestPolicies.TOKENIZER.encodePrompt("9-1+2+4-7="), TestPolicies.TOKENIZER.encodePrompt("2="));
        SamplingSettings settings = SamplingSettings.unbiased(20);
        try (PolicyModel policy = PolicyModel.initialise(TestPolicies.TINY, 3L)) {
            // When both samplers run with the same seed
            List<SampledResponse> cached = new Sampler(policy).sample(prompts, settings, 17L);
            List<SampledResponse> recomputed = new RecomputeSampler(policy).sample(prompts, settings, 17L);
            // Then they choose the same tokens with the same log-probs: the benchmark compares equal work
            for (int row = 0; row < prompts.size(); row++) {
                assertArrayEquals(cached.get(row).tokens(), recomputed.get(row).tokens(), "row " + row);
                assertArrayEquals(cached.get(row).logProbs(), recomputed.get(row).logProbs(), 1e-4f, "row " + row);
                assertEquals(cached.get(row).finishReason(), recomputed.get(row).finishReason());
            }
        }
    }
}
