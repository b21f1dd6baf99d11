package dev.vapostream.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import dev.vapostream.generator.sampling.PreparedPrompt;
import dev.vapostream.generator.sampling.SampledGroup;
import dev.vapostream.model.sampling.FinishReason;
import dev.vapostream.model.sampling.SampledResponse;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.tokenizer.CharTokenizer;
import dev.vapostream.schemas.avro.ResponseGroup;
import org.junit.jupiter.api.Test;

class ResponseGroupsTest {

    @Test
    void aGroupCarriesItsPromptProvenanceAndPerTokenBehaviourLogProbs() {
        // Given a prompt and two sampled responses: one that ended with EOS, one cut at the length limit
        CharTokenizer tok = TestPolicies.TOKENIZER;
        int[] promptTokens = tok.encodePrompt("3+5=");
        int[] eosTokens = tok.encodeResponse("#8");
        int[] cutTokens = tok.encode("3+5=8");
        SampledGroup group = new SampledGroup(new PreparedPrompt(TestPolicies.prompt("p-1", "3+5="), promptTokens), List.of(
            new SampledResponse(eosTokens, new float[] {-0.1f, -0.2f, -0.3f}, FinishReason.EOS),
            new SampledResponse(cutTokens, new float[] {-1f, -2f, -3f, -4f, -5f}, FinishReason.MAX_LENGTH)));
        ResponseGroups.Provenance provenance = new ResponseGroups.Provenance("w1", "policy", 7,
            new SamplingSettings(0.8f, 0.95f, 5), OptionalLong.of(9));
        Instant now = Instant.ofEpochMilli(123_456);

        // When it is turned into the wire record
        ResponseGroup record = ResponseGroups.build(group, provenance, tok, now);

        // Then the prompt fields are copied, the provenance is stated, and each response is complete
        assertEquals("p-1", record.getPromptId());
        assertEquals("3+5=", record.getPromptText());
        assertEquals("0", record.getAnswer());
        assertEquals(List.of(CharTokenizer.BOS, 3 + 3, 3 + 10, 3 + 5, 3 + 12), record.getPromptTokens());
        assertEquals(7, record.getPolicyVersion());
        assertEquals("policy", record.getModelName());
        assertEquals("w1", record.getGeneratorId());
        assertEquals(3, record.getAdmittedAtVersion());
        assertEquals(now, record.getCreatedAtMs());
        assertEquals(Map.of("source", "p-1"), record.getMetadata());
        assertEquals(0.8f, record.getSampling().getTemperature());
        assertEquals(0.95f, record.getSampling().getTopP());
        assertEquals(5, record.getSampling().getMaxNewTokens());
        assertEquals(9L, record.getSampling().getSeed());
        var eos = record.getResponses().get(0);
        assertEquals(List.of(3 + 14, 3 + 8, CharTokenizer.EOS), eos.getTokens());
        assertEquals("#8", eos.getText());
        assertEquals(List.of(-0.1f, -0.2f, -0.3f), eos.getBehaviourLogProbs());
        assertEquals(dev.vapostream.schemas.avro.FinishReason.EOS, eos.getFinishReason());
        var cut = record.getResponses().get(1);
        assertEquals("3+5=8", cut.getText());
        assertEquals(5, cut.getBehaviourLogProbs().size());
        assertEquals(dev.vapostream.schemas.avro.FinishReason.MAX_LENGTH, cut.getFinishReason());
    }

    @Test
    void withoutAFixedSeedTheSeedIsNull() {
        SampledGroup group = new SampledGroup(new PreparedPrompt(TestPolicies.prompt("p", "1="),
            TestPolicies.TOKENIZER.encodePrompt("1=")),
            List.of(new SampledResponse(new int[] {CharTokenizer.EOS}, new float[] {-1f}, FinishReason.EOS)));
        ResponseGroup record = ResponseGroups.build(group, new ResponseGroups.Provenance("w", "policy", 0,
            SamplingSettings.unbiased(4), OptionalLong.empty()), TestPolicies.TOKENIZER, Instant.now());
        assertNull(record.getSampling().getSeed());
        assertEquals("", record.getResponses().get(0).getText());
    }
}
