package dev.vapostream.model.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vapostream.model.nn.Scalars;
import java.util.List;

/** Global-norm gradient clipping (the engine only has element-wise clipping built in). */
public final class GradientClipping {

    private GradientClipping() {
    }

    /**
     * Scales all gradients in place so that their joint L2 norm is at most {@code maxNorm};
     * returns the norm before clipping.
     */
    public static double clipGlobalNorm(NDManager manager, List<NDArray> parameters, float maxNorm) {
        double squaredSum = 0;
        for (NDArray parameter : parameters) {
            NDArray gradient = parameter.getGradient();
            gradient.attach(manager);
            squaredSum += gradient.square().sum().getFloat();
        }
        double norm = Math.sqrt(squaredSum);
        if (!Double.isFinite(norm)) {
            throw new IllegalStateException("gradient norm is " + norm);
        }
        if (norm > maxNorm) {
            NDArray scale = Scalars.of(manager, (float) (maxNorm / (norm + 1e-6)));
            for (NDArray parameter : parameters) {
                NDArray gradient = parameter.getGradient();
                gradient.attach(manager);
                gradient.muli(scale);
            }
        }
        return norm;
    }
}
