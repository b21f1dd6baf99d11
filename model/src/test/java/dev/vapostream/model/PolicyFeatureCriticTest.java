package dev.vapostream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.model.weights.NamedTensor;
import dev.vapostream.model.weights.WeightCodec;
import dev.vapostream.model.weights.WeightFile;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyFeatureCriticTest {

    private static final CharTokenizer TOKENIZER = CharTokenizer.forBuiltInTask();
    private static final float TOLERANCE = 1e-5f;

    private final List<int[]> prompts = List.of(TOKENIZER.encodePrompt("3+5="), TOKENIZER.encodePrompt("1+2-3+4-5+6="));
    private final List<int[]> responses = List.of(TOKENIZER.encodeResponse("#8"),
            TOKENIZER.encodeResponse("1+2=3;3-3=0;0+4=4;#4"));

    @Test
    void theCriticTrainsItsProjectionButNotItsFrozenPolicy() {
        // Given a critic that reads the policy's features, and a plain one from the same policy
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 51L);
                ValueModel plain = policy.newValueModel(52L);
                ValueModel critic = policy.newValueModel(52L, true);
                NDManager manager = NDManager.newBaseManager()) {
            // Then what it trains is the plain critic's parameters and one 3 × width projection
            assertTrue(critic.readsPolicyFeatures());
            assertFalse(plain.readsPolicyFeatures());
            List<String> expected = new ArrayList<>(plain.parameterNames());
            expected.add(ValueModel.FEATURE_PROJECTION);
            assertEquals(expected, critic.parameterNames());
            // And When a loss on its values is back-propagated, the projection gets a non-zero gradient
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                collector.backward(critic.score(manager, prompts, responses).values().square().sum());
            }
            NDArray projection = critic.parameters().get(critic.parameters().size() - 1);
            try (NDArray gradient = projection.getGradient()) {
                assertTrue(gradient.abs().sum().getFloat() > 0f);
            }
        }
    }

    @Test
    void valuesReadTheFrozenPolicyOnlyFromTheTokensAlreadyChosen() {
        // Given one critic's own weights with two different frozen policies
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 53L);
                PolicyModel other = PolicyModel.initialise(TestModels.SMALL, 54L);
                ValueModel critic = policy.newValueModel(55L, true);
                ValueModel otherFeatures = ValueModel.fromWeights(withFeaturePolicy(critic, other));
                NDManager manager = NDManager.newBaseManager()) {
            // When both score the same responses
            float[] values = critic.score(manager, prompts, responses).values().toFloatArray();
            float[] otherValues = otherFeatures.score(manager, prompts, responses).values().toFloatArray();
            // Then the value before the first response token is the same (no feature read yet), later ones differ
            int width = responses.get(1).length;
            for (int row = 0; row < 2; row++) {
                assertEquals(values[row * width], otherValues[row * width], TOLERANCE);
            }
            int row = 1;
            assertNotEquals(values[row * width + 3], otherValues[row * width + 3], TOLERANCE);
        }
    }

    @Test
    void aValueDoesNotDependOnTheTokensAfterItOrOnThePaddingAroundIt() {
        // Given a feature critic and two responses that agree on their first four tokens
        List<int[]> twins = List.of(TOKENIZER.encodeResponse("1+2=3;#3"), TOKENIZER.encodeResponse("1+2=4;4-1=3;#3"));
        List<int[]> samePrompt = List.of(prompts.get(1), prompts.get(1));
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 56L);
                ValueModel critic = policy.newValueModel(57L, true);
                NDManager manager = NDManager.newBaseManager()) {
            float[] both = critic.score(manager, samePrompt, twins).values().toFloatArray();
            float[] alone = critic.score(manager, samePrompt.subList(0, 1), twins.subList(0, 1)).values().toFloatArray();
            int width = twins.get(1).length;
            // Then the values before tokens 0..4 agree between them (each has read only the shared prefix)
            for (int j = 0; j <= 4; j++) {
                assertEquals(both[j], both[width + j], TOLERANCE, "value " + j);
            }
            // And the shorter row scores the same alone as beside the longer one
            for (int j = 0; j < alone.length; j++) {
                assertEquals(alone[j], both[j], TOLERANCE, "value " + j);
            }
        }
    }

    @Test
    void aResponseScoredAgainReadsTheRememberedFeaturesAndValuesTheSame() {
        // Given two copies of one feature critic, one of which has already scored the first response
        List<int[]> third = List.of(TOKENIZER.encodeResponse("1+2=3;3-3=0;#0"));
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 65L);
                ValueModel critic = policy.newValueModel(66L, true);
                ValueModel fresh = ValueModel.fromWeights(critic.encodeWeights());
                NDManager manager = NDManager.newBaseManager()) {
            critic.rememberPolicyFeatures(8);
            fresh.rememberPolicyFeatures(8);
            critic.score(manager, prompts.subList(0, 1), responses.subList(0, 1));
            assertEquals(1, critic.rememberedResponses());
            // When both score a batch of that response beside two new ones
            List<int[]> batchPrompts = List.of(prompts.get(1), prompts.get(0), prompts.get(1));
            List<int[]> batchResponses = List.of(responses.get(1), responses.get(0), third.get(0));
            float[] remembered = critic.score(manager, batchPrompts, batchResponses).values().toFloatArray();
            float[] scoredNow = fresh.score(manager, batchPrompts, batchResponses).values().toFloatArray();
            // Then the values agree, and each critic remembers the three responses once
            assertArrayEquals(scoredNow, remembered, TOLERANCE);
            assertEquals(3, critic.rememberedResponses());
            assertEquals(3, fresh.rememberedResponses());
            // And new weights for the frozen policy forget them
            critic.loadWeights(fresh.encodeWeights());
            assertEquals(0, critic.rememberedResponses());
        }
    }

    @Test
    void theSameTokensUnderAnotherPromptAreADifferentResponse() {
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 67L);
                ValueModel critic = policy.newValueModel(68L, true);
                NDManager manager = NDManager.newBaseManager()) {
            // Given one response's tokens, When they are scored after two different prompts
            critic.rememberPolicyFeatures(8);
            critic.score(manager, prompts, List.of(responses.get(0), responses.get(0)));
            // Then both are remembered, each with its own features
            assertEquals(2, critic.rememberedResponses());
        }
    }

    @Test
    void aCriticRemembersNothingUntilAskedAndThenNoMoreThanItsMemoryHolds() {
        List<int[]> third = List.of(TOKENIZER.encodeResponse("1+2=3;3-3=0;#0"));
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 69L);
                ValueModel critic = policy.newValueModel(70L, true);
                NDManager manager = NDManager.newBaseManager()) {
            // Given a new feature critic, When it scores two responses, Then it remembers none
            critic.score(manager, prompts, responses);
            assertEquals(0, critic.policyFeatureMemory());
            assertEquals(0, critic.rememberedResponses());
            // When it may remember two and scores three, Then it holds the two it scored last
            critic.rememberPolicyFeatures(2);
            critic.score(manager, prompts, responses);
            critic.score(manager, prompts.subList(0, 1), third);
            assertEquals(2, critic.rememberedResponses());
            // When its memory shrinks to one, Then it forgets at once down to one
            critic.rememberPolicyFeatures(1);
            assertEquals(1, critic.rememberedResponses());
        }
    }

    @Test
    void aPlainCriticRefusesAMemoryOfFeaturesItDoesNotRead() {
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 71L);
                ValueModel plain = policy.newValueModel(72L)) {
            // Given a critic that does not read the policy's features, When it is asked to remember some
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> plain.rememberPolicyFeatures(8));
            // Then it refuses, saying why, and still remembers none
            assertTrue(e.getMessage().contains("does not read the policy's features"), e.getMessage());
            assertEquals(0, plain.policyFeatureMemory());
            // And asking it to remember none is allowed
            plain.rememberPolicyFeatures(0);
        }
    }

    @Test
    void itsWeightsRoundTripWithTheFrozenPolicyAndDoNotFitAPlainCritic() {
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 58L);
                ValueModel critic = policy.newValueModel(59L, true);
                ValueModel plain = policy.newValueModel(59L);
                NDManager manager = NDManager.newBaseManager()) {
            // Given its encoded weights, When a critic is rebuilt from them
            byte[] encoded = critic.encodeWeights();
            try (ValueModel restored = ValueModel.fromWeights(encoded)) {
                // Then it reads the features too, encodes the same bytes and gives the same values
                assertTrue(restored.readsPolicyFeatures());
                assertArrayEquals(encoded, restored.encodeWeights());
                assertArrayEquals(critic.score(manager, prompts, responses).values().toFloatArray(),
                    restored.score(manager, prompts, responses).values().toFloatArray(), 0f);
            }
            // And neither kind of critic takes the other's weights in place, each left as it was
            String plainBefore = plain.weightsSha256();
            String criticBefore = critic.weightsSha256();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> plain.loadWeights(encoded));
            assertTrue(e.getMessage().contains("read the policy's features; this critic does not"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> critic.loadWeights(plain.encodeWeights()));
            assertTrue(e.getMessage().contains("do not read the policy's features; this critic does"), e.getMessage());
            assertEquals(plainBefore, plain.weightsSha256());
            assertEquals(criticBefore, critic.weightsSha256());
        }
    }

    @Test
    void theFrozenPolicyIsACopyThatTheTrainedPolicyDoesNotMove() {
        // Given a feature critic made from a policy, When the policy's weights change
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 60L);
                ValueModel critic = policy.newValueModel(61L, true);
                PolicyModel other = PolicyModel.initialise(TestModels.SMALL, 62L)) {
            String before = critic.weightsSha256();
            policy.loadWeights(other.encodeWeights());
            // Then the critic, frozen policy included, is unaffected
            assertEquals(before, critic.weightsSha256());
        }
    }

    @Test
    void scoringLeavesNothingInTheCriticsManager() {
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 63L);
                ValueModel critic = policy.newValueModel(64L, true)) {
            int before = critic.managedArrayCount();
            try (NDManager manager = NDManager.newBaseManager()) {
                critic.score(manager, prompts, responses);
            }
            assertEquals(before, critic.managedArrayCount());
            assertEquals(critic.parameters().size(), before);
        }
    }

    /** {@code critic}'s encoded weights with {@code policy} as its frozen feature policy. */
    private static byte[] withFeaturePolicy(ValueModel critic, PolicyModel policy) {
        WeightFile file = WeightCodec.decode(critic.encodeWeights());
        List<NamedTensor> tensors = new ArrayList<>();
        for (NamedTensor t : file.tensors()) {
            if (!t.name().startsWith(ValueModel.FEATURE_POLICY_PREFIX)) {
                tensors.add(t);
            }
        }
        for (NamedTensor t : WeightCodec.decode(policy.encodeWeights()).tensors()) {
            tensors.add(new NamedTensor(ValueModel.FEATURE_POLICY_PREFIX + t.name(), t.shape(), t.values()));
        }
        return WeightCodec.encode(new WeightFile(file.kind(), file.config(), tensors));
    }
}
