package dev.vapostream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.vapostream.model.sampling.Sampler;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScoringTest {

    private static final CharTokenizer TOKENIZER = CharTokenizer.forBuiltInTask();
    private static final float PADDING_TOLERANCE = 1e-5f;

    private final List<int[]> prompts = List.of(TOKENIZER.encodePrompt("3+5="), TOKENIZER.encodePrompt("1+2-3+4-5+6="));
    private final List<int[]> responses = List.of(TOKENIZER.encodeResponse("#8"),
            TOKENIZER.encodeResponse("1+2=3;3-3=0;0+4=4;#4"));

    @ParameterizedTest(name = "responses start at position {0}")
    @ValueSource(ints = {0, 24})
    void scoresOfARowDoNotDependOnThePaddingAroundIt(int responseStart) {
        // Given a short row scored alone and inside a batch with a longer prompt and response
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL.withResponseStart(responseStart), 41L);
                ValueModel critic = policy.newValueModel(42L);
                NDManager manager = NDManager.newBaseManager()) {
            float[] aloneLogProbs = policy.score(manager, prompts.subList(0, 1), responses.subList(0, 1)).logProbs().toFloatArray();
            float[] aloneValues = critic.score(manager, prompts.subList(0, 1), responses.subList(0, 1)).values().toFloatArray();
            PolicyScores batched = policy.score(manager, prompts, responses);
            float[] batchedValues = critic.score(manager, prompts, responses).values().toFloatArray();
            float[] batchedLogProbs = batched.logProbs().toFloatArray();
            // Then its log-probs and values agree, and the padding after it scores exactly 0
            int width = responses.get(1).length;
            for (int j = 0; j < aloneLogProbs.length; j++) {
                assertEquals(aloneLogProbs[j], batchedLogProbs[j], PADDING_TOLERANCE);
                assertEquals(aloneValues[j], batchedValues[j], PADDING_TOLERANCE);
            }
            for (int j = aloneLogProbs.length; j < width; j++) {
                assertEquals(0f, batchedLogProbs[j], 0f);
                assertEquals(0f, batchedValues[j], 0f);
                assertEquals(0f, batched.mask().toFloatArray()[j], 0f);
            }
        }
    }

    @Test
    void entropyOfAUniformPolicyIsLogVocabularySize() {
        // Given a policy whose logits are all 0
        try (PolicyModel uniform = TestModels.constantEosPolicy(0f);
                NDManager manager = NDManager.newBaseManager()) {
            PolicyScores scores = uniform.score(manager, prompts, responses);
            float[] entropy = scores.entropy().toFloatArray();
            float[] mask = scores.mask().toFloatArray();
            // Then every real token has entropy log V and log-prob -log V
            double logVocab = Math.log(TestModels.SMALL.vocabSize());
            for (int i = 0; i < entropy.length; i++) {
                assertEquals(mask[i] * logVocab, entropy[i], 1e-5);
                assertEquals(-mask[i] * logVocab, scores.logProbs().toFloatArray()[i], 1e-5);
            }
        }
    }

    @Test
    void policyLogProbsAndCriticValuesAreDifferentiable() {
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 43L);
                ValueModel critic = policy.newValueModel(44L);
                NDManager manager = NDManager.newBaseManager()) {
            // Given a loss built from log-probs and values, When it is back-propagated
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray loss = policy.score(manager, prompts, responses).logProbs().sum()
                        .add(critic.score(manager, prompts, responses).values().square().sum());
                collector.backward(loss);
            }
            // Then every parameter of both networks has a finite gradient and the heads a non-zero one
            assertFiniteGradients(policy);
            assertFiniteGradients(critic);
            assertTrue(gradientNorm(policy.parameters().get(policy.parameters().size() - 1)) > 0);
            assertTrue(gradientNorm(critic.parameters().get(critic.parameters().size() - 2)) > 0);
        }
    }

    @Test
    void samplingAndScoringLeaveNothingInTheModelsManager() {
        try (PolicyModel policy = PolicyModel.initialise(TestModels.SMALL, 45L)) {
            int before = policy.managedArrayCount();
            // When sampling and scoring run with their own managers
            new Sampler(policy).sample(prompts, SamplingSettings.unbiased(10), 1L);
            try (NDManager manager = NDManager.newBaseManager()) {
                policy.score(manager, prompts, responses);
            }
            // Then the model's manager still holds exactly its parameters
            assertEquals(before, policy.managedArrayCount());
            assertEquals(policy.parameters().size(), before);
        }
    }

    private static void assertFiniteGradients(TransformerNetwork network) {
        for (NDArray parameter : network.parameters()) {
            try (NDArray gradient = parameter.getGradient()) {
                for (float g : gradient.toFloatArray()) {
                    assertTrue(Float.isFinite(g), parameter.getName());
                }
            }
        }
    }

    private static double gradientNorm(NDArray parameter) {
        try (NDArray gradient = parameter.getGradient()) {
            double sum = 0;
            for (float g : gradient.toFloatArray()) {
                sum += g * g;
            }
            return Math.sqrt(sum);
        }
    }
}
