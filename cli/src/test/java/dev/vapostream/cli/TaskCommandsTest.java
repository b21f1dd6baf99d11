package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;

import dev.vapostream.model.pretrain.PretrainSettings;
import dev.vapostream.model.task.BuiltInTask;
import org.junit.jupiter.api.Test;

class TaskCommandsTest {

    private static PretrainSettings pretrainSettings(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return TaskCommands.pretrainSettings(TaskCommands.PRETRAIN.read(p), TaskCommands.task(p));
    }

    @Test
    void pretrainFlagsReachTheSettings() {
        // Given the settings of vapo pretrain's flags
        PretrainSettings s = pretrainSettings("seed", "4", "slip.rate", "0.3", "slip.steps", "70",
            "stop.greedy.accuracy", "0.9", "max.seconds", "30");
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
        assertEquals(BuiltInTask.RUNNING_SUM.teacher(), pretrainSettings("task", "running-sum").teacher());
        UsageException e = assertThrows(UsageException.class, () -> pretrainSettings("task", "chess"));
        assertTrue(e.getMessage().contains("blind-spots"), e.getMessage());
    }

    @Test
    void aPretrainSettingThatIsNotANumberNamesItsKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pretrainSettings("slip.steps", "many"));
        assertEquals("slip.steps must be an integer, got 'many'", e.getMessage());
    }
}
