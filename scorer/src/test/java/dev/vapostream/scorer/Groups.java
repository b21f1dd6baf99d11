package dev.vapostream.scorer;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SampledResponse;
import dev.vapostream.schemas.avro.SamplingSettings;

/** Test data: response groups with chosen answers, texts and lengths. */
final class Groups {
    static final int MAX_NEW_TOKENS = 100;

    private Groups() {
    }

    /** A group whose responses have the given texts, each 10 tokens long. */
    static ResponseGroup group(String promptId, String answer, String... texts) {
        return group(promptId, answer, Map.of(), texts);
    }

    static ResponseGroup group(String promptId, String answer, Map<String, String> metadata, String... texts) {
        List<SampledResponse> responses = new ArrayList<>();
        for (String text : texts) {
            responses.add(response(text, 10));
        }
        return group(promptId, answer, metadata, responses);
    }

    static ResponseGroup group(String promptId, String answer, Map<String, String> metadata, List<SampledResponse> responses) {
        return ResponseGroup.newBuilder()
            .setPromptId(promptId)
            .setPromptText("What is 6 * 7? Think, then write # and the answer.")
            .setAnswer(answer)
            .setPromptTokens(List.of(1, 2, 3))
            .setPolicyVersion(3)
            .setModelName("tiny")
            .setSampling(SamplingSettings.newBuilder().setTemperature(1.0f).setMaxNewTokens(MAX_NEW_TOKENS).build())
            .setResponses(responses)
            .setGeneratorId("gen-test")
            .setCreatedAtMs(Instant.ofEpochMilli(1_700_000_000_000L))
            .setMetadata(metadata)
            .build();
    }

    /** A response of {@code length} tokens with {@code text}. */
    static SampledResponse response(String text, int length) {
        return SampledResponse.newBuilder()
            .setTokens(new ArrayList<>(Collections.nCopies(length, 7)))
            .setText(text)
            .setBehaviourLogProbs(new ArrayList<>(Collections.nCopies(length, -0.5f)))
            .setFinishReason(length >= MAX_NEW_TOKENS ? FinishReason.MAX_LENGTH : FinishReason.EOS)
            .build();
    }
}
