package dev.vapostream.learner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.schemas.avro.AdvantageEstimator;
import dev.vapostream.schemas.avro.AdvantageGroup;
import dev.vapostream.schemas.avro.AdvantageSettings;
import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import dev.vapostream.schemas.packed.ResponseArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdvantageGroupCheckTest {
    /** A policy with 20 token ids and 8 positions. */
    private static final AdvantageGroupCheck CHECK = new AdvantageGroupCheck(ModelConfig.of(20, 8, 1, 8, 1));

    @Test
    void aWellFormedGroupPassesInEitherWireFormat() {
        assertDoesNotThrow(() -> CHECK.validate(group(g -> { })));
        assertDoesNotThrow(() -> CHECK.validate(packed(group(g -> { }))));
    }

    static Stream<Arguments> defects() {
        return Stream.of(
            Arguments.of("no prompt tokens", (Consumer<AdvantageGroup>) g -> g.setPromptTokens(List.of()),
                "advantage group run/1: promptTokens is empty (a prompt starts with BOS)"),
            Arguments.of("prompt token outside the vocabulary", (Consumer<AdvantageGroup>) g -> g.setPromptTokens(List.of(1, 20)),
                "advantage group run/1: promptTokens[1] = 20 is outside the policy's vocabulary (0..19)"),
            Arguments.of("no responses", (Consumer<AdvantageGroup>) g -> g.setResponses(List.of()),
                "advantage group run/1: responses is empty"),
            Arguments.of("empty response", (Consumer<AdvantageGroup>) g -> response(g).setTokens(List.of()),
                "advantage group run/1: response 0 is empty (0 tokens)"),
            Arguments.of("negative token id", (Consumer<AdvantageGroup>) g -> response(g).setTokens(List.of(4, -3, 6)),
                "advantage group run/1: response 0 tokens[1] = -3 is outside the policy's vocabulary (0..19)"),
            Arguments.of("longer than the context", (Consumer<AdvantageGroup>) g -> response(g).setTokens(List.of(4, 5, 6, 7, 8, 9, 10, 11)),
                "advantage group run/1: response 0: 2 prompt and 8 response tokens need 9 positions, the policy's context is 8"),
            Arguments.of("fewer log-probs than tokens", (Consumer<AdvantageGroup>) g -> response(g).setBehaviourLogProbs(List.of(-0.1f)),
                "advantage group run/1: response 0: behaviourLogProbs has 1 entries for 3 tokens"),
            Arguments.of("more advantages than tokens", (Consumer<AdvantageGroup>) g -> response(g).setAdvantages(List.of(0f, 0f, 0f, 0f)),
                "advantage group run/1: response 0: advantages has 4 entries for 3 tokens"),
            Arguments.of("NaN log-prob", (Consumer<AdvantageGroup>) g -> response(g).setBehaviourLogProbs(List.of(-0.1f, Float.NaN, -0.3f)),
                "advantage group run/1: response 0: behaviourLogProbs[1] = NaN is not a finite value <= 0"),
            Arguments.of("positive log-prob", (Consumer<AdvantageGroup>) g -> response(g).setBehaviourLogProbs(List.of(-0.1f, 0.5f, -0.3f)),
                "advantage group run/1: response 0: behaviourLogProbs[1] = 0.5 is not a finite value <= 0"),
            Arguments.of("infinite value", (Consumer<AdvantageGroup>) g -> response(g).setValues(List.of(0f, Float.POSITIVE_INFINITY, 0f)),
                "advantage group run/1: response 0: values[1] = Infinity is not finite"),
            Arguments.of("NaN advantage", (Consumer<AdvantageGroup>) g -> response(g).setAdvantages(List.of(0f, 0f, Float.NaN)),
                "advantage group run/1: response 0: advantages[2] = NaN is not finite"),
            Arguments.of("infinite return", (Consumer<AdvantageGroup>) g -> response(g).setReturns(List.of(Float.NEGATIVE_INFINITY, 0f, 0f)),
                "advantage group run/1: response 0: returns[0] = -Infinity is not finite"),
            Arguments.of("NaN reward", (Consumer<AdvantageGroup>) g -> response(g).setReward(Double.NaN),
                "advantage group run/1: response 0: reward = NaN is not finite"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defects")
    void aDefectiveGroupIsRefusedWithAMessageNamingTheGroupResponseAndField(String defect, Consumer<AdvantageGroup> breaking,
                                                                         String message) {
        // Given a well-formed group with one defect
        AdvantageGroup group = group(breaking);
        // When it is checked, then it is refused with a message saying where the defect is
        AdvantageGroupCheck.InvalidAdvantageGroupException e =
            assertThrows(AdvantageGroupCheck.InvalidAdvantageGroupException.class, () -> CHECK.validate(group));
        assertEquals(message, e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("defects")
    void theSameDefectInWireFormat2IsRefusedWithTheSameMessage(String defect, Consumer<AdvantageGroup> breaking,
                                                               String message) {
        // Given the same defective group with its arrays packed, as the advantage stage writes them
        AdvantageGroup group = packed(group(breaking));
        // When it is checked, then the message is the same as for the array fields
        AdvantageGroupCheck.InvalidAdvantageGroupException e =
            assertThrows(AdvantageGroupCheck.InvalidAdvantageGroupException.class, () -> CHECK.validate(group));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aPackedFieldThatIsNotAWholeNumberOfValuesIsRefused() {
        AdvantageGroup group = packed(group(g -> { }));
        response(group).getPacked().setReturns(ByteBuffer.wrap(new byte[6]));
        assertEquals("advantage group run/1: response 0: packed.returns: 6 bytes is not a whole number of 4-byte values",
            assertThrows(AdvantageGroupCheck.InvalidAdvantageGroupException.class, () -> CHECK.validate(group)).getMessage());
    }

    @Test
    void aResponseWithBothWireFormatsFilledInIsRefused() {
        AdvantageGroup group = packed(group(g -> { }));
        response(group).setValues(List.of(0.1f, 0.2f, 0.3f));
        assertEquals("advantage group run/1: response 0: has both packed arrays and array fields (a writer of format 2"
                + " leaves the array fields empty)",
            assertThrows(AdvantageGroupCheck.InvalidAdvantageGroupException.class, () -> CHECK.validate(group)).getMessage());
    }

    /** {@code g} with every response's arrays moved to {@code packed} (wire format 2). */
    private static AdvantageGroup packed(AdvantageGroup g) {
        for (ResponseAdvantage r : g.getResponses()) {
            r.setPacked(ResponseArrays.of(r).packed());
            r.setTokens(List.of());
            r.setBehaviourLogProbs(List.of());
            r.setValues(List.of());
            r.setAdvantages(List.of());
            r.setReturns(List.of());
        }
        return g;
    }

    private static ResponseAdvantage response(AdvantageGroup g) {
        return g.getResponses().get(0);
    }

    /** Prompt of 2 tokens, one response of 3, every array consistent; then {@code change} applied. */
    private static AdvantageGroup group(Consumer<AdvantageGroup> change) {
        ResponseAdvantage r = ResponseAdvantage.newBuilder().setTokens(new ArrayList<>(List.of(4, 5, 2)))
            .setBehaviourLogProbs(List.of(-0.1f, -0.2f, -0.3f)).setFinishReason(FinishReason.EOS).setReward(1.0)
            .setCorrect(true).setLambdaPolicy(0.95).setValues(List.of(0.1f, 0.2f, 0.3f))
            .setAdvantages(List.of(0.5f, 0.4f, 0.3f)).setReturns(List.of(1f, 1f, 1f)).build();
        AdvantageGroup g = AdvantageGroup.newBuilder().setPromptId("run/1").setPromptTokens(List.of(1, 7)).setPolicyVersion(3)
            .setCriticVersion(3L).setSettings(AdvantageSettings.newBuilder().setEstimator(AdvantageEstimator.VAPO).setGamma(1.0)
                .setLambdaCritic(1.0).setLambdaPolicy(0.95).setAlpha(0.05).build())
            .setResponses(new ArrayList<>(List.of(r))).setAdmittedAtVersion(2).setComputedAtMs(Instant.now()).build();
        change.accept(g);
        return g;
    }
}
