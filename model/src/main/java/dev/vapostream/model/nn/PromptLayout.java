package dev.vapostream.model.nn;

import java.util.List;

/**
 * Left-padded placement of a batch of prompts: every prompt ends in the same column, so the
 * first generated (or scored) response token of every row sits in the same column too. Each
 * row's prompt positions count from its own first real token, so padding changes no row's
 * numbers. Response positions either run on from the prompt or, with a fixed
 * {@code responseStart}, begin there for every row (see {@code ModelConfig#responseStart}).
 */
public final class PromptLayout {

    private final int[][] prompts;
    private final int width;
    private final int responseStart;

    /** Positions that run on from each prompt (no fixed response start). */
    public PromptLayout(List<int[]> prompts) {
        this(prompts, 0);
    }

    /** @param responseStart position of every response's first token, 0 for none */
    public PromptLayout(List<int[]> prompts, int responseStart) {
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
        if (responseStart > 0 && longest > responseStart) {
            throw new IllegalArgumentException("a prompt of " + longest + " tokens does not fit the model's "
                    + responseStart + " prompt positions");
        }
        this.responseStart = responseStart;
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
        if (column < width || responseStart == 0) {
            return Math.max(0, column - padding(row));
        }
        return responseStart + (column - width);
    }

    /** Number of positions a row uses when {@code fedResponseTokens} response tokens are fed after its prompt. */
    public int positionsUsed(int row, int fedResponseTokens) {
        return (int) position(row, width - 1 + fedResponseTokens) + 1;
    }
}
