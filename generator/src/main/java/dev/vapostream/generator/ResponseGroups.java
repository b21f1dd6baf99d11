package dev.vapostream.generator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import dev.vapostream.generator.sampling.SampledGroup;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.Prompt;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.SamplingSettings;

/** Turns a sampled group into the {@code ResponseGroup} record of the wire contract. */
public final class ResponseGroups {
    private ResponseGroups() {
    }

    /** Who sampled the groups, with which policy version and settings. */
    public record Provenance(String generatorId, String modelName, long policyVersion,
                             dev.vapostream.model.sampling.SamplingSettings sampling, OptionalLong seed) {
    }

    public static ResponseGroup build(SampledGroup group, Provenance provenance, CharTokenizer tokenizer, Instant createdAt) {
        Prompt prompt = group.prompt().prompt();
        List<dev.vapostream.schemas.avro.SampledResponse> responses = new ArrayList<>(group.responses().size());
        for (SampledResponse response : group.responses()) {
            responses.add(response(response, tokenizer));
        }
        return ResponseGroup.newBuilder()
            .setPromptId(prompt.getId())
            .setPromptText(prompt.getText())
            .setAnswer(prompt.getAnswer())
            .setPromptTokens(ints(group.prompt().tokens()))
            .setPolicyVersion(provenance.policyVersion())
            .setModelName(provenance.modelName())
            .setSampling(sampling(provenance))
            .setResponses(responses)
            .setGeneratorId(provenance.generatorId())
            .setAdmittedAtVersion(prompt.getAdmittedAtVersion())
            .setCreatedAtMs(createdAt)
            .setMetadata(prompt.getMetadata())
            .setRun(prompt.getRun())
            .build();
    }

    private static dev.vapostream.schemas.avro.SampledResponse response(SampledResponse response, CharTokenizer tokenizer) {
        int[] tokens = response.tokens();
        float[] logProbs = response.logProbs();
        List<Float> behaviour = new ArrayList<>(logProbs.length);
        for (float logProb : logProbs) {
            behaviour.add(logProb);
        }
        return dev.vapostream.schemas.avro.SampledResponse.newBuilder()
            .setTokens(ints(tokens))
            // decode drops special tokens and stops at EOS: what scorers read.
            .setText(tokenizer.decode(tokens))
            .setBehaviourLogProbs(behaviour)
            .setFinishReason(switch (response.finishReason()) {
                case EOS -> FinishReason.EOS;
                case MAX_LENGTH -> FinishReason.MAX_LENGTH;
            })
            .build();
    }

    private static SamplingSettings sampling(Provenance provenance) {
        return SamplingSettings.newBuilder()
            .setTemperature(provenance.sampling().temperature())
            .setTopP(provenance.sampling().topP())
            .setMaxNewTokens(provenance.sampling().maxNewTokens())
            .setSeed(provenance.seed().isPresent() ? provenance.seed().getAsLong() : null)
            .build();
    }

    private static List<Integer> ints(int[] values) {
        List<Integer> list = new ArrayList<>(values.length);
        for (int v : values) {
            list.add(v);
        }
        return list;
    }
}
