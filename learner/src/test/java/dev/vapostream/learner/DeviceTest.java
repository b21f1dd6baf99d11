package dev.vapostream.learner;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

    @Test
    void anEngineThatCannotLoadIsAClearErrorNamingWhatACudaBuildNeeds() {
        // Given an engine probe that fails as DJL does when a CUDA build finds no usable runtime offline
        java.util.function.IntSupplier failing = () -> {
            throw new ai.djl.engine.EngineException("Failed to save pytorch index file");
        };
        // When the learner asks how many GPUs it sees, then the error says what is missing
        IllegalStateException error = assertThrows(IllegalStateException.class,
            () -> LearnerConfig.Device.visibleGpus(failing));
        assertTrue(error.getMessage().contains("CUDA 12 libcudart") && error.getMessage().contains("docs/deploy.md"),
            error.getMessage());
        assertEquals(3, LearnerConfig.Device.visibleGpus(() -> 3));
    }
}
