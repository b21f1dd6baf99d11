package dev.vapostream.model.eval;

/** Outcome counts over a set of problems. */
public record BucketResult(int problems, int correct, int formatErrors) {

    public double accuracy() {
        return problems == 0 ? 0.0 : (double) correct / problems;
    }

    public double formatErrorRate() {
        return problems == 0 ? 0.0 : (double) formatErrors / problems;
    }

    BucketResult plus(int correctIncrement, int formatErrorIncrement) {
        return new BucketResult(problems + 1, correct + correctIncrement, formatErrors + formatErrorIncrement);
    }
}
