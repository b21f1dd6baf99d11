package dev.vapostream.model.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.PolicyScores;
import dev.vapostream.model.TestModels;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final float LOG_PROB_TOLERANCE = 1e-4f;
    private static final CharTokenizer TOKENIZER = CharTokenizer.forBuiltInTask();

    @Test
    void reportedLogProbsEqualTheTeacherForcedForwardPass() {
        // Given a random policy and prompts of different lengths
        List<int[]> prompts = prompts("3+5=", "9-1+2+4=", "7=", "1+1+1+1+1+1=");
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 31L);
                NDManager manager = NDManager.newBaseManager()) {
            // When responses are sampled with the KV cache
            List<SampledResponse> responses = new Sampler(policy).sample(prompts, SamplingSettings.unbiased(20), 4L);
            // Then the full forward pass over prompt + response gives the same per-token log-probs
            List<int[]> tokens = responses.stream().map(SampledResponse::tokens).toList();
            float[] recomputed = policy.score(manager, prompts, tokens).logProbs().toFloatArray();
            int width = tokens.stream().mapToInt(t -> t.length).max().orElseThrow();
            for (int row = 0; row < prompts.size(); row++) {
                float[] sampled = responses.get(row).logProbs();
                for (int j = 0; j < sampled.length; j++) {
                    assertEquals(recomputed[row * width + j], sampled[j], LOG_PROB_TOLERANCE, "row " + row + " token " + j);
                }
            }
        }
    }

    @Test
    void responsesStopAtEosWithEosAsTheirLastToken() {
        // Given a policy that emits EOS with probability ~0.9999
        try (PolicyModel policy = TestModels.constantEosPolicy(10f)) {
            List<SampledResponse> responses = new Sampler(policy).sample(prompts("3+5=", "2="), SamplingSettings.unbiased(8), 1L);
            // Then every response is the single EOS token with finish reason EOS
            for (SampledResponse response : responses) {
                assertArrayEquals(new int[] {CharTokenizer.EOS}, response.tokens());
                assertEquals(FinishReason.EOS, response.finishReason());
            }
        }
    }

    @Test
    void responsesWithoutEosStopAtTheMaximumLength() {
        // Given a policy that never emits EOS
        try (PolicyModel policy = TestModels.constantEosPolicy(-100f)) {
            List<SampledResponse> responses = new Sampler(policy).sample(prompts("3+5=", "2="), SamplingSettings.unbiased(8), 1L);
            // Then every response has exactly 8 tokens, none EOS, and finish reason MAX_LENGTH
            for (SampledResponse response : responses) {
                assertEquals(8, response.length());
                assertEquals(FinishReason.MAX_LENGTH, response.finishReason());
                for (int token : response.tokens()) {
                    assertNotEquals(CharTokenizer.EOS, token);
                }
            }
        }
    }

    @Test
    void theSameSeedReproducesTheSamplesAndAnotherSeedDoesNot() {
        List<int[]> prompts = prompts("3+5=", "9-1+2+4=", "7=");
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 31L)) {
            Sampler sampler = new Sampler(policy);
            SamplingSettings settings = new SamplingSettings(1f, 0.95f, 16);
            List<SampledResponse> first = sampler.sample(prompts, settings, 9L);
            List<SampledResponse> again = sampler.sample(prompts, settings, 9L);
            List<SampledResponse> other = sampler.sample(prompts, settings, 10L);
            assertEquals(flatten(first), flatten(again));
            assertNotEquals(flatten(first), flatten(other));
        }
    }

    @Test
    void samplingInsideAnOpenGradientCollectorGivesTheSameResultAndRestoresGradientMode() {
        List<int[]> prompts = prompts("3+5=", "9-1+2+4=");
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 32L)) {
            Sampler sampler = new Sampler(policy);
            List<SampledResponse> outside = sampler.sample(prompts, SamplingSettings.unbiased(12), 3L);
            // Given an open collector (gradient recording on), When sampling
            try (GradientCollector ignored = Engine.getInstance().newGradientCollector()) {
                List<SampledResponse> inside = sampler.sample(prompts, SamplingSettings.unbiased(12), 3L);
                // Then the samples are the same and recording is still on afterwards
                assertEquals(flatten(outside), flatten(inside));
                assertTrue(JniUtils.isGradMode());
            }
            assertFalse(JniUtils.isGradMode());
        }
    }

    @Test
    void mixedFinishReasonsInOneBatchAreEachConsistent() {
        // Given a random policy where EOS is one of 18 tokens, sampled long enough for both outcomes
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 31L)) {
            List<int[]> prompts = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                prompts.add(TOKENIZER.encodePrompt("1+2="));
            }
            List<SampledResponse> responses = new Sampler(policy).sample(prompts, SamplingSettings.unbiased(12), 2L);
            // Then EOS appears only as the last token of EOS responses, and MAX_LENGTH ones are full length
            boolean sawEos = false;
            boolean sawMax = false;
            for (SampledResponse response : responses) {
                int[] tokens = response.tokens();
                for (int j = 0; j < tokens.length - 1; j++) {
                    assertNotEquals(CharTokenizer.EOS, tokens[j]);
                }
                if (response.finishReason() == FinishReason.EOS) {
                    sawEos = true;
                    assertEquals(CharTokenizer.EOS, tokens[tokens.length - 1]);
                } else {
                    sawMax = true;
                    assertEquals(12, tokens.length);
                    assertNotEquals(CharTokenizer.EOS, tokens[tokens.length - 1]);
                }
            }
            assertTrue(sawEos && sawMax, "expected both finish reasons among 32 samples of 12 tokens");
        }
    }

    private static List<int[]> prompts(String... texts) {
        List<int[]> prompts = new ArrayList<>();
        for (String text : texts) {
            prompts.add(TOKENIZER.encodePrompt(text));
        }
        return prompts;
    }

    private static List<String> flatten(List<SampledResponse> responses) {
        return responses.stream()
                .map(r -> java.util.Arrays.toString(r.tokens()) + r.finishReason() + java.util.Arrays.toString(r.logProbs()))
                .toList();
    }
}
