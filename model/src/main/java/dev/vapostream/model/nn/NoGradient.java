package dev.vapostream.model.nn;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns autograd recording off for the current thread until closed, then restores what was
 * there (PyTorch's {@code torch.no_grad()}). The engine's gradient mode is per thread and is not
 * guaranteed off in threads the caller creates, so inference paths use this instead of hoping:
 * otherwise every decode step would build an autograd graph.
 */
public final class NoGradient implements AutoCloseable {

    private final boolean previous;

    private NoGradient() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    public static NoGradient enter() {
        return new NoGradient();
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
