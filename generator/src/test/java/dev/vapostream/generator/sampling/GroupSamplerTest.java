package dev.vapostream.generator.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import ai.djl.ndarray.NDManager;
import dev.vapostream.generator.TestPolicies;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.SamplingSettings;
import org.junit.jupiter.api.Test;

class GroupSamplerTest {
    private static final int G = 3;

    @Test
    void eachGroupHoldsGResponsesConditionedOnItsOwnPrompt() {
        // Given prompts of different lengths sampled together in one batch
        GroupSampler sampler = new GroupSampler(TestPolicies.TOKENIZER, SamplingSettings.unbiased(12), G);
        try (PolicyModel policy = PolicyModel.initialise(TestPolicies.TINY, 5L); NDManager manager = NDManager.newBaseManager()) {
            List<PreparedPrompt> prompts = List.of(
                sampler.prepare(TestPolicies.prompt("a", "3+5="), policy.config()),
                sampler.prepare(TestPolicies.prompt("b", "9-1+2+4-7="), policy.config()));

            // When the groups are sampled
            List<GroupResult> results = sampler.sample(policy, prompts, 11L);

            // Then there is one group per prompt, in order, with G responses each
            assertEquals(2, results.size());
            for (int p = 0; p < prompts.size(); p++) {
                SampledGroup group = assertInstanceOf(GroupResult.Sampled.class, results.get(p)).group();
                assertEquals(prompts.get(p).id(), group.prompt().id());
                assertEquals(G, group.responses().size());
                // And each response's behaviour log-probs are those of the policy given THIS prompt
                List<int[]> sameprompt = new ArrayList<>();
                List<int[]> tokens = new ArrayList<>();
                for (SampledResponse r : group.responses()) {
                    sameprompt.add(group.prompt().tokens());
                    tokens.add(r.tokens());
                }
                float[] scored = policy.score(manager, sameprompt, tokens).logProbs().toFloatArray();
                int width = tokens.stream().mapToInt(t -> t.length).max().orElseThrow();
                for (int g = 0; g < G; g++) {
                    float[] behaviour = group.responses().get(g).logProbs();
                    for (int j = 0; j < behaviour.length; j++) {
                        assertEquals(scored[g * width + j], behaviour[j], 1e-4f, "prompt " + p + " response " + g + " token " + j);
                    }
                }
            }
        }
    }

    @Test
    void eachPromptGetsTheGroupSizeItsRunContractNamesInOneBatch() {
        // Given prompts of two runs, one with G = 2, one with G = 5, and one prompt without a contract
        GroupSampler sampler = new GroupSampler(TestPolicies.TOKENIZER, SamplingSettings.unbiased(8),
            prompt -> prompt.getRun() == null ? G : prompt.getRun().getGroupSize());
        try (PolicyModel policy = PolicyModel.initialise(TestPolicies.TINY, 5L)) {
            List<PreparedPrompt> prompts = List.of(
                sampler.prepare(withRun(TestPolicies.prompt("a", "3+5="), 2), policy.config()),
                sampler.prepare(TestPolicies.prompt("b", "1+1="), policy.config()),
                sampler.prepare(withRun(TestPolicies.prompt("c", "9-1="), 5), policy.config()));
            // When they are sampled together
            List<GroupResult> results = sampler.sample(policy, prompts, 3L);
            // Then each group has its own prompt's number of responses, in order
            List<Integer> sizes = results.stream()
                .map(r -> assertInstanceOf(GroupResult.Sampled.class, r).group().responses().size()).toList();
            assertEquals(List.of(2, G, 5), sizes);
            // And a contract asking for no responses makes its prompt unsampleable, not the batch
            assertThrows(UnsampleablePromptException.class,
                () -> sampler.prepare(withRun(TestPolicies.prompt("d", "2+2="), 0), policy.config()));
        }
    }

    private static dev.vapostream.schemas.avro.Prompt withRun(dev.vapostream.schemas.avro.Prompt prompt, int groupSize) {
        prompt.setRun(dev.vapostream.schemas.avro.RunContract.newBuilder().setRunId("r").setGroupSize(groupSize)
            .setEstimator("vapo").build());
        return prompt;
    }

    @Test
    void theSameSeedGivesTheSameGroupsAndAnotherSeedOtherOnes() {
        GroupSampler sampler = new GroupSampler(TestPolicies.TOKENIZER, SamplingSettings.unbiased(16), G);
        try (PolicyModel policy = PolicyModel.initialise(TestPolicies.TINY, 5L)) {
            List<PreparedPrompt> prompts = List.of(sampler.prepare(TestPolicies.prompt("a", "3+5="), policy.config()));
            List<int[]> first = tokens(sampler.sample(policy, prompts, 1L));
            List<int[]> again = tokens(sampler.sample(policy, prompts, 1L));
            List<int[]> other = tokens(sampler.sample(policy, prompts, 2L));
            for (int g = 0; g < G; g++) {
                assertTrue(java.util.Arrays.equals(first.get(g), again.get(g)));
            }
            boolean anyDifferent = false;
            for (int g = 0; g < G; g++) {
                anyDifferent |= !java.util.Arrays.equals(first.get(g), other.get(g));
            }
            assertTrue(anyDifferent, "seed 2 sampled exactly what seed 1 did");
        }
    }

    @Test
    void aPromptTooLongForTheContextOrWithUnknownCharactersIsUnsampleable() {
        // Given a 64-position policy and responses of up to 16 tokens
        GroupSampler sampler = new GroupSampler(TestPolicies.TOKENIZER, SamplingSettings.unbiased(16), G);
        // When a prompt of 49 tokens (BOS + 48) is prepared: 49 + 16 - 1 = 64 positions fit
        PreparedPrompt fits = sampler.prepare(TestPolicies.prompt("fits", "1+".repeat(24)), TestPolicies.TINY);
        assertEquals(49, fits.tokens().length);
        // Then one more character does not fit, and letters are not in the alphabet
        UnsampleablePromptException tooLong = assertThrows(UnsampleablePromptException.class,
            () -> sampler.prepare(TestPolicies.prompt("long", "1+".repeat(24) + "1"), TestPolicies.TINY));
        assertTrue(tooLong.getMessage().contains("context is 64"), tooLong.getMessage());
        UnsampleablePromptException letters = assertThrows(UnsampleablePromptException.class,
            () -> sampler.prepare(TestPolicies.prompt("abc", "what is 2+2?"), TestPolicies.TINY));
        assertTrue(letters.getMessage().contains("cannot be tokenized"), letters.getMessage());
    }

    @Test
    void aBatchThatFailsIsRetriedPromptByPromptSoOnlyTheBadPromptFails() {
        // Given one valid prompt and one whose tokens the policy cannot embed (id beyond the vocabulary)
        GroupSampler sampler = new GroupSampler(TestPolicies.TOKENIZER, SamplingSettings.unbiased(8), G);
        try (PolicyModel policy = PolicyModel.initialise(TestPolicies.TINY, 5L)) {
            PreparedPrompt good = sampler.prepare(TestPolicies.prompt("good", "3+5="), policy.config());
            PreparedPrompt bad = new PreparedPrompt(TestPolicies.prompt("bad", "?"), new int[] {1, 999});

            // When both are sampled in one batch
            List<GroupResult> results = sampler.sample(policy, List.of(good, bad), 3L);

            // Then the good prompt still gets its group and only the bad one fails
            assertInstanceOf(GroupResult.Sampled.class, results.get(0));
            GroupResult.Failed failed = assertInstanceOf(GroupResult.Failed.class, results.get(1));
            assertEquals("bad", failed.prompt().id());
            assertFalse(failed.error().toString().isEmpty());
        }
    }

    private static List<int[]> tokens(List<GroupResult> results) {
        SampledGroup group = ((GroupResult.Sampled) results.get(0)).group();
        return group.responses().stream().map(SampledResponse::tokens).toList();
    }
}
