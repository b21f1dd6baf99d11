package dev.vapostream.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Prompt + response pairs laid out for one teacher-forced forward pass: prompts left-padded
 * (see {@link PromptLayout}), responses right-padded to the longest response. The model reads
 * columns [0, promptWidth + responseWidth - 1); the hidden state at column promptWidth - 1 + j
 * predicts response token j, so response token j of every row is scored at the same column.
 */
public final class ResponseBatch {

    private final PromptLayout layout;
    private final int[][] responses;
    private final int responseWidth;

    public ResponseBatch(List<int[]> prompts, List<int[]> responses, int contextLength) {
        this(prompts, responses, contextLength, 0);
    }

    /** @param responseStart the model's fixed response start position, 0 for none */
    public ResponseBatch(List<int[]> prompts, List<int[]> responses, int contextLength, int responseStart) {
        if (prompts.size() != responses.size()) {
            throw new IllegalArgumentException(prompts.size() + " prompts but " + responses.size() + " responses");
        }
        this.layout = new PromptLayout(prompts, responseStart);
        this.responses = responses.toArray(new int[0][]);
        int longest = 0;
        for (int row = 0; row < this.responses.length; row++) {
            int length = this.responses[row].length;
            if (length == 0) {
                throw new IllegalArgumentException("response " + row + " is empty");
            }
            int needed = layout.positionsUsed(row, length - 1);
            if (needed > contextLength) {
                throw new IllegalArgumentException("row " + row + " needs " + needed
                        + " positions, the model has " + contextLength);
            }
            longest = Math.max(longest, length);
        }
        this.responseWidth = longest;
    }

    public int batchSize() {
        return layout.batchSize();
    }

    public int promptWidth() {
        return layout.width();
    }

    /** Number of response columns R of the (B, R) outputs. */
    public int responseWidth() {
        return responseWidth;
    }

    public int responseLength(int row) {
        return responses[row].length;
    }

    /** Number of columns fed to the model. */
    public int inputWidth() {
        return layout.width() + responseWidth - 1;
    }

    public TrunkInput toTrunkInput(NDManager manager) {
        int batch = batchSize();
        int columns = inputWidth();
        long[] tokens = new long[batch * columns];
        long[] positions = new long[batch * columns];
        float[] keyValid = new float[batch * columns];
        for (int row = 0; row < batch; row++) {
            for (int column = 0; column < columns; column++) {
                int at = row * columns + column;
                tokens[at] = token(row, column);
                positions[at] = layout.position(row, column);
                keyValid[at] = isReal(row, column) ? 1f : 0f;
            }
        }
        Shape shape = new Shape(batch, columns);
        return new TrunkInput(manager.create(tokens, shape), manager.create(positions, shape),
                AttentionBias.build(manager, keyValid, batch, 0, columns), 0);
    }

    /** Response tokens (B, R), int64, PAD beyond each response's end. */
    public NDArray targets(NDManager manager) {
        long[] targets = new long[batchSize() * responseWidth];
        for (int row = 0; row < batchSize(); row++) {
            for (int j = 0; j < responses[row].length; j++) {
                targets[row * responseWidth + j] = responses[row][j];
            }
        }
        return manager.create(targets, new Shape(batchSize(), responseWidth));
    }

    /** 1 for real response tokens, 0 for padding, (B, R) float32. */
    public NDArray responseMask(NDManager manager) {
        float[] mask = new float[batchSize() * responseWidth];
        for (int row = 0; row < batchSize(); row++) {
            for (int j = 0; j < responses[row].length; j++) {
                mask[row * responseWidth + j] = 1f;
            }
        }
        return manager.create(mask, new Shape(batchSize(), responseWidth));
    }

    private long token(int row, int column) {
        if (column < layout.width()) {
            return layout.token(row, column);
        }
        int j = column - layout.width();
        return j < responses[row].length ? responses[row][j] : 0;
    }

    private boolean isReal(int row, int column) {
        if (column < layout.width()) {
            return layout.isReal(row, column);
        }
        return column - layout.width() < responses[row].length;
    }
}
