package dev.vapostream.model.task;

/**
 * Difficulty classes of the running-sum task by number of terms; the reference solution has
 * one step per term after the second, each longer than the last, so length and difficulty grow
 * together.
 */
public enum LengthBucket {
    /** 1-4 terms: reference responses of 3-18 tokens (EOS included). */
    SHORT(1, 4),
    /** 5-7 terms: 21-54 tokens. */
    MEDIUM(5, 7),
    /** 8-10 terms: 57-108 tokens. */
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
