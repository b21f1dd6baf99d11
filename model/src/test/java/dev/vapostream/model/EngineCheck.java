package dev.vapostream.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vapostream.model.tokenizer.CharTokenizer;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Reports which PyTorch engine the classpath gives and where tensors land: engine version, CUDA
 * device count, default device, then one small array and one forward pass of a small policy.
 * Not a test (surefire skips the name); run it by hand to check a build, e.g. the {@code -Pcuda}
 * one (docs/deploy.md, "GPUs"):
 *
 * <pre>
 * java -Dai.djl.offline=true -DDJL_CACHE_DIR=target/djl-cache \
 *   -cp "model/target/test-classes:cli/target/classes:$(cat cli/target/runtime-classpath.txt)" \
 *   dev.vapostream.model.EngineCheck
 * </pre>
 */
public final class EngineCheck {

    private EngineCheck() {
    }

    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.nanoTime();
        Engine engine = Engine.getInstance();
        long engineMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("engine: " + engine.getEngineName() + " " + engine.getVersion()
            + " (DJL " + Engine.getDjlVersion() + ")");
        System.out.println("gpu count: " + engine.getGpuCount());
        System.out.println("default device: " + engine.defaultDevice());
        System.out.println("engine load: " + engineMs + " ms");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.arange(6f).reshape(2, 3);
            NDArray sum = a.matMul(a.transpose()).sum();
            System.out.println("array on " + a.getDevice() + ", sum of a·aᵀ = " + sum.getFloat() + " (expect 83.0)");
        }
        ModelConfig config = ModelConfig.of(CharTokenizer.forBuiltInTask().vocabSize(), 64, 2, 32, 4);
        try (PolicyModel policy = PolicyModel.initialise(config, 1L); NDManager manager = NDManager.newBaseManager()) {
            PolicyScores scores = policy.score(manager, List.of(new int[] {1, 2, 3}), List.of(new int[] {4, 5}));
            System.out.println("policy forward: " + scores.logProbs().getShape() + " on " + scores.logProbs().getDevice());
        }
        System.out.println("JVM start to done: " + (System.currentTimeMillis() - jvmStart) + " ms");
    }
}
