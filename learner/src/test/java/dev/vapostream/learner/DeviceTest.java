package dev.vapostream.learner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceTest {

    @Test
    void gpuWithoutCudaAndCpuOnACudaHostAreClearErrors() {
        IllegalStateException noGpu = assertThrows(IllegalStateException.class,
            () -> LearnerConfig.Device.GPU.requireAvailable(0));
        assertTrue(noGpu.getMessage().contains("docs/deploy.md"), noGpu.getMessage());
        assertThrows(IllegalStateException.class, () -> LearnerConfig.Device.CPU.requireAvailable(1));
        assertDoesNotThrow(() -> LearnerConfig.Device.CPU.requireAvailable(0));
        assertDoesNotThrow(() -> LearnerConfig.Device.GPU.requireAvailable(2));
    }
}
