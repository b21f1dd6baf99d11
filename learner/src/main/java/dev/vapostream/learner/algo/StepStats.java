package dev.vapostream.learner.algo;

/** What one update did, averaged over its mini-batches. */
public record StepStats(double policyLoss, double lmLoss, double valueLoss, double entropy, double clipFractionLow,
                        double clipFractionHigh, double approxKl, double actorGradNorm, double criticGradNorm) {
}
