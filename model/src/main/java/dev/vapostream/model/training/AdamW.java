package dev.vapostream.model.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vapostream.model.nn.NoGradient;
import dev.vapostream.model.nn.Scalars;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay) over a fixed list of parameters, updating them in place.
 * Its moment estimates live in their own manager, created outside any NDScope (a scope would
 * close them after the first step). Call {@link #step} after the GradientCollector is closed;
 * it turns autograd recording off for its in-place updates whatever the thread's gradient mode.
 */
public final class AdamW implements AutoCloseable {

    private static final float BETA1 = 0.9f;
    private static final float BETA2 = 0.999f;
    private static final float EPSILON = 1e-8f;

    private final List<NDArray> parameters;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final boolean[] decayed;
    private final float weightDecay;
    private final NDManager stateManager;
    private int steps;

    /** Matrices (rank 2) are decayed; biases and LayerNorm gains are not. */
    public AdamW(List<NDArray> parameters, float weightDecay) {
        this.parameters = List.copyOf(parameters);
        this.weightDecay = weightDecay;
        this.stateManager = NDManager.newBaseManager();
        this.decayed = new boolean[parameters.size()];
        for (int i = 0; i < parameters.size(); i++) {
            NDArray parameter = parameters.get(i);
            firstMoments.add(stateManager.zeros(parameter.getShape(), parameter.getDataType()));
            secondMoments.add(stateManager.zeros(parameter.getShape(), parameter.getDataType()));
            decayed[i] = parameter.getShape().dimension() == 2;
        }
    }

    /**
     * Applies one update with the gradients currently held by the parameters, then zeroes those
     * gradients (the engine accumulates them across backward passes). Temporary arrays are
     * created in {@code stepManager}.
     */
    public void step(NDManager stepManager, float learningRate) {
        steps++;
        float firstCorrection = (float) (1 - Math.pow(BETA1, steps));
        float secondCorrection = (float) (1 - Math.pow(BETA2, steps));
        NDArray beta1 = Scalars.of(stepManager, BETA1);
        NDArray oneMinusBeta1 = Scalars.of(stepManager, 1 - BETA1);
        NDArray beta2 = Scalars.of(stepManager, BETA2);
        NDArray oneMinusBeta2 = Scalars.of(stepManager, 1 - BETA2);
        NDArray stepSize = Scalars.of(stepManager, learningRate / firstCorrection);
        NDArray secondScale = Scalars.of(stepManager, 1f / secondCorrection);
        NDArray epsilon = Scalars.of(stepManager, EPSILON);
        NDArray decayFactor = Scalars.of(stepManager, 1f - learningRate * weightDecay);
        NDArray zero = Scalars.of(stepManager, 0f);
        // In-place updates of leaves that require gradients are refused while the thread records
        // autograd, and a thread's gradient mode is its own: a learner on a new thread starts with it on.
        try (NoGradient off = NoGradient.enter()) {
            update(stepManager, beta1, oneMinusBeta1, beta2, oneMinusBeta2, stepSize, secondScale, epsilon, decayFactor, zero);
        }
    }

    private void update(NDManager stepManager, NDArray beta1, NDArray oneMinusBeta1, NDArray beta2, NDArray oneMinusBeta2,
                        NDArray stepSize, NDArray secondScale, NDArray epsilon, NDArray decayFactor, NDArray zero) {
        for (int i = 0; i < parameters.size(); i++) {
            NDArray parameter = parameters.get(i);
            NDArray gradient = parameter.getGradient();
            gradient.attach(stepManager);
            NDArray m = firstMoments.get(i).muli(beta1).addi(gradient.mul(oneMinusBeta1));
            NDArray v = secondMoments.get(i).muli(beta2).addi(gradient.square().mul(oneMinusBeta2));
            if (decayed[i] && weightDecay > 0f) {
                parameter.muli(decayFactor);
            }
            // An operation's result belongs to its first operand's manager: the step's scalars come
            // first so that the temporaries are freed with the step, not kept with the moments.
            parameter.subi(stepSize.mul(m).div(secondScale.mul(v).sqrt().add(epsilon)));
            gradient.muli(zero);
        }
    }

    public int steps() {
        return steps;
    }

    /** Arrays held by the optimizer's own manager: the two moments per parameter, however many steps it takes. */
    int heldArrays() {
        return stateManager.getManagedArrays().size();
    }

    /** Step count and moment estimates, copied out for a checkpoint. */
    public record State(int steps, List<float[]> firstMoments, List<float[]> secondMoments) {
    }

    public State state() {
        List<float[]> first = new ArrayList<>(firstMoments.size());
        List<float[]> second = new ArrayList<>(secondMoments.size());
        for (int i = 0; i < firstMoments.size(); i++) {
            first.add(firstMoments.get(i).toFloatArray());
            second.add(secondMoments.get(i).toFloatArray());
        }
        return new State(steps, first, second);
    }

    /** Continues from a checkpointed state of an optimizer over the same parameter shapes. */
    public void restore(State state) {
        if (state.firstMoments().size() != firstMoments.size() || state.secondMoments().size() != secondMoments.size()) {
            throw new IllegalArgumentException("optimizer state has " + state.firstMoments().size()
                + " tensors, this optimizer " + firstMoments.size());
        }
        for (int i = 0; i < firstMoments.size(); i++) {
            requireSize(i, firstMoments.get(i), state.firstMoments().get(i));
            requireSize(i, secondMoments.get(i), state.secondMoments().get(i));
            firstMoments.get(i).set(state.firstMoments().get(i));
            secondMoments.get(i).set(state.secondMoments().get(i));
        }
        steps = state.steps();
    }

    private static void requireSize(int index, NDArray target, float[] values) {
        if (target.size() != values.length) {
            throw new IllegalArgumentException("optimizer tensor " + index + " has " + target.size()
                + " entries, the saved state " + values.length);
        }
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
