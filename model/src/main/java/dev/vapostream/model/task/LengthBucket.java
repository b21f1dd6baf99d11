package dev.vapostream.model.task;

/**
 * Difficulty classes of the running-sum task by number of terms; the reference solution has
 * one six-character line per term after the first, so length and difficulty grow together.
 */
public enum LengthBucket {
    /** 2-4 terms: reference responses of 9-21 tokens (EOS included). */
    SHORT(2, 4),
    /** 5-7 terms: 27-39 tokens. */
    MEDIUM(5, 7),
    /** 8-10 terms: 45-57 tokens. */
    LONG(8, 10);

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
