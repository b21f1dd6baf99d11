package dev.vapostream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vapostream.model.weights.NamedTensor;
import dev.vapostream.model.weights.WeightCodec;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class NetworkWeightsTest {

    @Test
    void policyWeightsRoundTripByteIdenticallyThroughANewModel() {
        // Given an initialised policy and its encoded weights
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 7L)) {
            byte[] encoded = policy.encodeWeights();
            // When a new model is built from the bytes and encodes its own weights
            try (PolicyModel restored = PolicyModel.fromWeights(encoded)) {
                byte[] reencoded = restored.encodeWeights();
                // Then the bytes and their SHA-256 are identical
                assertArrayEquals(encoded, reencoded);
                assertEquals(policy.weightsSha256(), restored.weightsSha256());
                assertEquals(64, policy.weightsSha256().length());
            }
        }
    }

    @Test
    void sameSeedGivesIdenticalWeightsAndOtherSeedsDiffer() {
        try (PolicyModel a = PolicyModel.initialise(TestModels.SMALL, 3L);
                PolicyModel b = PolicyModel.initialise(TestModels.SMALL, 3L);
                PolicyModel c = PolicyModel.initialise(TestModels.SMALL, 4L)) {
            assertEquals(a.weightsSha256(), b.weightsSha256());
            assertNotEquals(a.weightsSha256(), c.weightsSha256());
        }
    }

    @Test
    void valueModelCopiesThePolicyTrunkAndHasItsOwnHead() {
        // Given a policy, When a value model is initialised from it
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 11L);
                ValueModel critic = policy.newValueModel(12L)) {
            Map<String, NamedTensor> policyTensors = byName(WeightCodec.decode(policy.encodeWeights()).tensors());
            Map<String, NamedTensor> criticTensors = byName(WeightCodec.decode(critic.encodeWeights()).tensors());
            // Then every trunk tensor is equal, the LM head is absent and the value head present
            for (String name : policy.parameterNames()) {
                if (!name.equals(PolicyModel.HEAD)) {
                    assertArrayEquals(policyTensors.get(name).values(), criticTensors.get(name).values(), name);
                }
            }
            assertEquals(false, criticTensors.containsKey(PolicyModel.HEAD));
            assertEquals(List.of(1), List.of(criticTensors.get(ValueModel.HEAD_WEIGHT).shape()[1]));
            // And the critic's weights round-trip like the policy's
            try (ValueModel restored = ValueModel.fromWeights(critic.encodeWeights())) {
                assertArrayEquals(critic.encodeWeights(), restored.encodeWeights());
            }
        }
    }

    @Test
    void valueModelIsAnIndependentCopy() {
        // Given a critic made from a policy, When the policy's weights change
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 11L);
                ValueModel critic = policy.newValueModel(12L);
                PolicyModel other = PolicyModel.initialise(TestModels.SMALL, 99L)) {
            String before = critic.weightsSha256();
            policy.loadWeights(other.encodeWeights());
            // Then the critic is unaffected
            assertEquals(before, critic.weightsSha256());
            assertEquals(other.weightsSha256(), policy.weightsSha256());
        }
    }

    @Test
    void weightsOfTheWrongKindOrSizeAreRejected() {
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 1L);
                ValueModel critic = policy.newValueModel(2L);
                PolicyModel bigger = PolicyModel.initialise(ModelConfig.of(18, 64, 3, 32, 4), 1L)) {
            assertThrows(IllegalArgumentException.class, () -> PolicyModel.fromWeights(critic.encodeWeights()));
            assertThrows(IllegalArgumentException.class, () -> policy.loadWeights(bigger.encodeWeights()));
        }
    }

    private static Map<String, NamedTensor> byName(List<NamedTensor> tensors) {
        return tensors.stream().collect(Collectors.toMap(NamedTensor::name, Function.identity()));
    }
}
