package dev.vapostream.model.nn;

import java.util.List;

/**
 * Left-padded placement of a batch of prompts: every prompt ends in the same column, so the
 * first generated (or scored) response token of every row sits in the same column too. Each
 * row's positions count from its own first real token, so padding changes no row's numbers.
 */
public final class PromptLayout {

    private final int[][] prompts;
    private final int width;

    public PromptLayout(List<int[]> prompts) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("a batch needs at least one prompt");
        }
        this.prompts = prompts.toArray(new int[0][]);
        int longest = 0;
        for (int[] prompt : this.prompts) {
            if (prompt.length == 0) {
                throw new IllegalArgumentException("prompts must not be empty (they start with BOS)");
            }
            longest = Math.max(longest, prompt.length);
        }
        this.width = longest;
    }

    public int batchSize() {
        return prompts.length;
    }

    /** Number of prompt columns: the longest prompt. */
    public int width() {
        return width;
    }

    public int promptLength(int row) {
        return prompts[row].length;
    }

    public int padding(int row) {
        return width - prompts[row].length;
    }

    /** Token at a prompt column, PAD (0) in the padding. */
    public long token(int row, int column) {
        int index = column - padding(row);
        return index >= 0 ? prompts[row][index] : 0;
    }

    public boolean isReal(int row, int column) {
        return column >= padding(row);
    }

    /** Position id of any column (prompt or later); padding columns get 0 and are masked anyway. */
    public long position(int row, int column) {
        return Math.max(0, column - padding(row));
    }
}
