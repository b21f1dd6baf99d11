package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vapostream.model.pretrain.PretrainSettings;
import dev.vapostream.model.task.BuiltInTask;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskCommandsTest {

    @Test
    void pretrainFlagsReachTheSettings() {
        // Given the flags of vapo pretrain as a user types them
        PretrainSettings s = TaskCommands.pretrainSettings(StageProperties.from(List.of("--seed", "4", "--slip-rate", "0.3",
            "--slip-steps", "70", "--stop-greedy-accuracy", "0.9", "--max-seconds", "30")));
        // Then each one is in the settings, and the rest are the defaults
        assertEquals(4L, s.seed());
        assertEquals(BuiltInTask.DEFAULT.teacher().withSlipRate(0.3), s.teacher());
        assertEquals(70, s.slipSteps());
        assertEquals(0.9, s.stopGreedyAccuracy());
        assertEquals(30.0, s.timeBudgetSeconds());
        assertEquals(PretrainSettings.defaults(BuiltInTask.DEFAULT, 4L).maxSteps(), s.maxSteps());
    }

    @Test
    void theTaskFlagPicksTheTeacherAndAnUnknownTaskIsAUsageError() {
        assertEquals(BuiltInTask.RUNNING_SUM.teacher(),
            TaskCommands.pretrainSettings(StageProperties.from(List.of("--task", "running-sum"))).teacher());
        Flags.UsageException e = assertThrows(Flags.UsageException.class,
            () -> TaskCommands.pretrainSettings(StageProperties.from(List.of("--task", "chess"))));
        assertTrue(e.getMessage().contains("blind-spots"), e.getMessage());
    }

    @Test
    void aPretrainFlagThatIsNotANumberIsAUsageError() {
        Flags.UsageException e = assertThrows(Flags.UsageException.class,
            () -> TaskCommands.pretrainSettings(StageProperties.from(List.of("--slip-steps", "many"))));
        assertEquals("--slip-steps must be an integer, got 'many'", e.getMessage());
    }
}
