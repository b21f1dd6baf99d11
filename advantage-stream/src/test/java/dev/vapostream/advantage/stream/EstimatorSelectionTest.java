package dev.vapostream.advantage.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vapostream.advantage.EstimatorSettings;
import dev.vapostream.schemas.avro.AdvantageEstimator;
import dev.vapostream.schemas.avro.ResponseGroup;
import dev.vapostream.schemas.avro.RunContract;
import org.junit.jupiter.api.Test;

class EstimatorSelectionTest {
    private static final EstimatorSettings OWN = EstimatorSettings.vapo();

    private static ResponseGroup group(RunContract run) {
        ResponseGroup rollout = Fixtures.group("p1", new int[] {3, 4}, 1).getRollout();
        rollout.setRun(run);
        return rollout;
    }

    private static RunContract contract(String estimator, Double alpha, Double lambdaPolicy) {
        return RunContract.newBuilder().setRunId("run-7").setGroupSize(2).setEstimator(estimator).setAlpha(alpha)
            .setLambdaPolicy(lambdaPolicy).build();
    }

    @Test
    void aGroupIsValuedWithItsRunContractsEstimator() {
        // Given a stage left at its defaults (vapo, alpha 0.05) and a group whose run uses alpha 1
        EstimatorSelection selection = new EstimatorSelection(OWN, false);
        // When it picks the settings
        EstimatorSettings settings = selection.forGroup(group(contract("vapo", 1.0, null)));
        // Then they are the contract's: the vapo preset with the run's alpha
        assertEquals(AdvantageEstimator.VAPO, settings.estimator());
        assertEquals(1.0, settings.alpha());
        assertEquals(EstimatorSettings.vapo().gamma(), settings.gamma());
        // And another run's contract gets its own preset
        assertEquals(AdvantageEstimator.FIXED_LAMBDA_GAE, selection.forGroup(group(contract("ppo", null, 0.9))).estimator());
    }

    @Test
    void withoutAContractOrWithTheOverrideTheStagesOwnSettingsApply() {
        assertSame(OWN, new EstimatorSelection(OWN, false).forGroup(group(null)));
        assertSame(OWN, new EstimatorSelection(OWN, true).forGroup(group(contract("ppo", null, 0.9))));
    }

    @Test
    void aContractTheStageCannotUseMakesTheGroupInvalidWithTheReason() {
        EstimatorSelection selection = new EstimatorSelection(OWN, false);
        InvalidGroupException e = assertThrows(InvalidGroupException.class,
            () -> selection.forGroup(group(contract("reinforce", null, null))));
        assertTrue(e.getMessage().contains("run-7") && e.getMessage().contains("reinforce"), e.getMessage());
        e = assertThrows(InvalidGroupException.class, () -> selection.forGroup(group(contract("ppo", null, 1.5))));
        assertTrue(e.getMessage().contains("lambda"), e.getMessage());
    }
}
