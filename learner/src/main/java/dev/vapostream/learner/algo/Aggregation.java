package dev.vapostream.learner.algo;

/** How per-token policy losses become one number. */
public enum Aggregation {
    /** Mean over every token of the batch: a long response weighs in proportion to its length (VAPO, DAPO). */
    TOKEN,
    /** Mean over responses of each response's token mean: every response weighs the same (vanilla PPO, GRPO). */
    SEQUENCE
}
