package dev.vapostream.model;

/**
 * Size of the decoder-only transformer shared by the policy and the value model.
 *
 * @param vocabSize number of token ids (tokenizer alphabet plus PAD/BOS/EOS)
 * @param contextLength maximum number of positions (prompt plus response) the model accepts
 * @param layers number of transformer blocks
 * @param width model (embedding) width; must be divisible by {@code heads}
 * @param heads number of attention heads
 * @param mlpWidth hidden width of each block's feed-forward layer
 * @param responseStart position id of every response's first token, or 0 for positions that run
 *     on from each prompt's last token. With a fixed start, prompts take positions
 *     0..responseStart-1 from their first token and response token j sits at position
 *     responseStart + j whatever the prompt's length: a step that always happens at the same
 *     place in the response is always seen at the same position, which a tiny model with learned
 *     absolute positions learns far faster (docs/model.md)
 */
public record ModelConfig(int vocabSize, int contextLength, int layers, int width, int heads, int mlpWidth,
        int responseStart) {

    public ModelConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("contextLength", contextLength);
        requirePositive("layers", layers);
        requirePositive("width", width);
        requirePositive("heads", heads);
        requirePositive("mlpWidth", mlpWidth);
        if (responseStart < 0 || responseStart >= contextLength) {
            throw new IllegalArgumentException("responseStart must be in [0, contextLength), was " + responseStart);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException(
                    "width " + width + " must be divisible by heads " + heads);
        }
    }

    /** A config with the conventional feed-forward width of four times the model width. */
    public static ModelConfig of(int vocabSize, int contextLength, int layers, int width, int heads) {
        return new ModelConfig(vocabSize, contextLength, layers, width, heads, 4 * width, 0);
    }

    /** This config with responses starting at a fixed position (see {@code responseStart}). */
    public ModelConfig withResponseStart(int position) {
        return new ModelConfig(vocabSize, contextLength, layers, width, heads, mlpWidth, position);
    }

    /** Whether response positions start at a fixed {@code responseStart} rather than after each prompt. */
    public boolean anchorsResponses() {
        return responseStart > 0;
    }

    public int headWidth() {
        return width / heads;
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
