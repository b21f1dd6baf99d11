package dev.vapostream.model.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vapostream.model.ModelConfig;
import dev.vapostream.model.PolicyModel;
import dev.vapostream.model.pretrain.PretrainResult.StopReason;
import dev.vapostream.model.sampling.SamplingSettings;
import dev.vapostream.model.task.BuiltInTask;
import dev.vapostream.model.task.Split;
import dev.vapostream.model.task.TaskExample;
import dev.vapostream.model.task.TaskGenerator;
import dev.vapostream.model.task.Teacher;
import java.util.List;
import org.junit.jupiter.api.Test;

class PretrainerTest {

    private static final ModelConfig TINY = BuiltInTask.DEFAULT.modelConfig(1, 16, 2);
    private static final int STEPS = 40;

    private final List<TaskExample> train = new TaskGenerator(BuiltInTask.DEFAULT, 1L).generate(Split.TRAIN, 2000);
    private final List<TaskExample> validation = new TaskGenerator(BuiltInTask.DEFAULT, 2L).generate(Split.TRAIN, 16);

    /** A greedy accuracy of 100% cannot be reached by a tiny model in 40 steps, so it runs all steps. */
    private static PretrainSettings settings(long seed) {
        return new PretrainSettings(seed, 8, 1e-2f, 5, 0.01f, 1f, Teacher.uniformSlips(0.3), 10, STEPS, 20, 1.0, 0.0, 120);
    }

    @Test
    void trainingLowersTheLossFromUniformAndRunsToMaxSteps() {
        // Given a tiny random policy (uniform NLL is ln 18 = 2.89 per token)
        try (PolicyModel policy = PolicyModel.initialise(TINY, 5L)) {
            // When it is pretrained for 40 steps
            PretrainResult result = pretrainer().train(policy, train, validation, settings(5L), line -> { });
            // Then the per-token loss fell well below uniform, and it stopped on the step cap after two evaluations
            assertTrue(result.lastLoss() < Math.log(18) - 0.5, "last loss " + result.lastLoss());
            assertEquals(StopReason.MAX_STEPS, result.stopReason());
            assertEquals(-1, result.methodLearnedAtStep());
            assertEquals(STEPS, result.steps());
            assertEquals(List.of(20, 40), result.history().stream().map(PretrainResult.EvalPoint::step).toList());
        }
    }

    @Test
    void theSameSeedReproducesTheWeightsExactly() {
        // Given two runs with the same seed
        String first = trainedSha(6L);
        String second = trainedSha(6L);
        // Then they end with byte-identical weights
        assertEquals(first, second);
    }

    @Test
    void reachingTheTargetStopsTraining() {
        // Given a target every evaluation meets (accuracy >= 0, any format-error rate)
        try (PolicyModel policy = PolicyModel.initialise(TINY, 7L)) {
            PretrainSettings easyTarget = new PretrainSettings(7L, 4, 1e-3f, 0, 0f, 1f, Teacher.uniformSlips(0.3), 5, 100, 3, 0.0, 1.0, 120);
            PretrainResult result = pretrainer().train(policy, train, validation, easyTarget, line -> { });
            // Then the method phase ends at the first evaluation and training stops after the 5 slip steps
            assertEquals(StopReason.TARGET_REACHED, result.stopReason());
            assertEquals(3, result.methodLearnedAtStep());
            assertEquals(8, result.steps());
        }
    }

    private String trainedSha(long seed) {
        try (PolicyModel policy = PolicyModel.initialise(TINY, seed)) {
            pretrainer().train(policy, train, validation, settings(seed), line -> { });
            return policy.weightsSha256();
        }
    }

    private static Pretrainer pretrainer() {
        // A short response budget keeps the random policy's evaluations cheap.
        return new Pretrainer(BuiltInTask.DEFAULT, SamplingSettings.unbiased(32));
    }
}
