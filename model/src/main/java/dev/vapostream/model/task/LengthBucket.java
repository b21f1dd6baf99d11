package dev.vapostream.model.task;

/**
 * Difficulty classes of the running-sum task by number of terms; the reference solution has
 * one step per term after the first, so length and difficulty grow together.
 */
public enum LengthBucket {
    /** 1-4 terms: reference responses of 3-31 tokens (mean 13, EOS included). */
    SHORT(1, 4),
    /** 5-9 terms: 27-81 tokens (mean 48). */
    MEDIUM(5, 9),
    /** 10-15 terms: 57-141 tokens (mean 91). */
    LONG(10, 15);

    private final int minTerms;
    private final int maxTerms;

    LengthBucket(int minTerms, int maxTerms) {
        this.minTerms = minTerms;
        this.maxTerms = maxTerms;
    }

    public int minTerms() {
        return minTerms;
    }

    public int maxTerms() {
        return maxTerms;
    }

    public static LengthBucket ofTerms(int terms) {
        for (LengthBucket bucket : values()) {
            if (terms >= bucket.minTerms && terms <= bucket.maxTerms) {
                return bucket;
            }
        }
        throw new IllegalArgumentException("no bucket for " + terms + " terms");
    }
}
