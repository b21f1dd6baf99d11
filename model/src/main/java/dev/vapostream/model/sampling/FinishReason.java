package dev.vapostream.model.sampling;

/** Why a response stopped. */
public enum FinishReason {
    /** The policy sampled the end-of-sequence token; it is the response's last token. */
    EOS,
    /** The response reached the maximum number of new tokens without EOS. */
    MAX_LENGTH
}
