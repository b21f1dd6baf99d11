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
 */
public record ModelConfig(int vocabSize, int contextLength, int layers, int width, int heads, int mlpWidth) {

    public ModelConfig {
        requirePositive("vocabSize", vocabSize);
        requirePositive("contextLength", contextLength);
        requirePositive("layers", layers);
        requirePositive("width", width);
        requirePositive("heads", heads);
        requirePositive("mlpWidth", mlpWidth);
        if (width % heads != 0) {
            throw new IllegalArgumentException(
                    "width " + width + " must be divisible by heads " + heads);
        }
    }

    /** A config with the conventional feed-forward width of four times the model width. */
    public static ModelConfig of(int vocabSize, int contextLength, int layers, int width, int heads) {
        return new ModelConfig(vocabSize, contextLength, layers, width, heads, 4 * width);
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
