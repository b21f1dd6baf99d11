package dev.vapostream.model.weights;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vapostream.model.ModelConfig;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class WeightCodecTest {

    private static final ModelConfig CONFIG = ModelConfig.of(18, 16, 1, 8, 2).withResponseStart(5);

    @Test
    void decodeThenEncodeReproducesTheBytesIncludingSpecialFloats() {
        // Given tensors holding NaN, infinities and negative zero
        WeightFile file = new WeightFile("policy", CONFIG, List.of(
                new NamedTensor("a", new int[] {2, 2}, new float[] {Float.NaN, -0f, Float.POSITIVE_INFINITY, 1.5f}),
                new NamedTensor("b", new int[] {1}, new float[] {Float.MIN_VALUE})));
        // When encoded, decoded and encoded again
        byte[] first = WeightCodec.encode(file);
        WeightFile decoded = WeightCodec.decode(first);
        byte[] second = WeightCodec.encode(decoded);
        // Then the bytes and every field are identical
        assertArrayEquals(first, second);
        assertEquals("policy", decoded.kind());
        assertEquals(CONFIG, decoded.config());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(decoded.tensors().get(0).values()[1]));
    }

    @Test
    void sha256IsTheHexDigestOfTheBytes() {
        // SHA-256 of the empty input is a published constant
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", WeightCodec.sha256Hex(new byte[0]));
    }

    @Test
    void truncatedOrForeignBytesAreRejected() {
        byte[] encoded = WeightCodec.encode(new WeightFile("value", CONFIG,
                List.of(new NamedTensor("a", new int[] {3}, new float[] {1, 2, 3}))));
        assertThrows(IllegalArgumentException.class, () -> WeightCodec.decode(Arrays.copyOf(encoded, encoded.length - 1)));
        assertThrows(IllegalArgumentException.class, () -> WeightCodec.decode("not weights".getBytes()));
        byte[] withTrailing = Arrays.copyOf(encoded, encoded.length + 1);
        assertThrows(IllegalArgumentException.class, () -> WeightCodec.decode(withTrailing));
    }
}
