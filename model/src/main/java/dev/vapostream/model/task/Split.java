package dev.vapostream.model.task;

/** Dataset splits; generated problems of 3+ terms never appear in both. */
public enum Split {
    TRAIN("train"),
    HELD_OUT("heldout");

    private final String idPrefix;

    Split(String idPrefix) {
        this.idPrefix = idPrefix;
    }

    public String idPrefix() {
        return idPrefix;
    }
}
