package dev.vapostream.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ModelConfigTest {

    @Test
    void widthNotDivisibleByHeadsIsRejected() {
        // Given a width of 30 and 4 heads, When the config is built, Then it is rejected
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.of(18, 64, 2, 30, 4));
    }

    @Test
    void nonPositiveSizesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.of(18, 0, 2, 32, 4));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.of(18, 64, 0, 32, 4));
        assertThrows(IllegalArgumentException.class, () -> new ModelConfig(18, 64, 2, 32, 4, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.of(18, 64, 2, 32, 4).withResponseStart(64));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.of(18, 64, 2, 32, 4).withResponseStart(-1));
    }

    @Test
    void defaultMlpIsFourTimesWidthAndHeadWidthIsWidthOverHeads() {
        // Given a valid config, When derived sizes are read, Then they follow width and heads
        ModelConfig config = ModelConfig.of(18, 64, 2, 32, 4);
        assertEquals(128, config.mlpWidth());
        assertEquals(8, config.headWidth());
    }
}
