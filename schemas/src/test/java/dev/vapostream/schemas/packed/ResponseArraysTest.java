package dev.vapostream.schemas.packed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.List;

import dev.vapostream.schemas.avro.FinishReason;
import dev.vapostream.schemas.avro.ResponseAdvantage;
import org.junit.jupiter.api.Test;

class ResponseArraysTest {
    private static final ResponseArrays ARRAYS = new ResponseArrays(new int[] {4, 17, 2}, new float[] {-0.5f, -1e-7f, -3f},
        new float[] {0.25f, Float.MIN_VALUE, -0f}, new float[] {1.5f, -2f, 3e30f}, new float[] {1f, 1f, 0f});

    private static ResponseAdvantage.Builder response() {
        return ResponseAdvantage.newBuilder().setFinishReason(FinishReason.EOS).setReward(1).setCorrect(true).setLambdaPolicy(0.9);
    }

    @Test
    void packedArraysReadBackBitForBit() {
        // Given a response in wire format 2
        ResponseAdvantage r = response().setPacked(ARRAYS.packed()).build();
        // When it is read, twice (reading must not consume the buffers)
        ResponseArrays first = ResponseArrays.of(r);
        ResponseArrays second = ResponseArrays.of(r);
        // Then every array is what was packed
        for (ResponseArrays read : List.of(first, second)) {
            assertArrayEquals(ARRAYS.tokens(), read.tokens());
            assertArrayEquals(ARRAYS.behaviourLogProbs(), read.behaviourLogProbs());
            assertArrayEquals(ARRAYS.values(), read.values());
            assertArrayEquals(ARRAYS.advantages(), read.advantages());
            assertArrayEquals(ARRAYS.returns(), read.returns());
        }
    }

    @Test
    void packingIsFourBytesAValueLittleEndian() {
        ByteBuffer tokens = ARRAYS.packed().getTokens();
        assertEquals(12, tokens.remaining());
        assertEquals(17, tokens.get(4));
        assertEquals(0, tokens.get(7));
        // 1.5f is 0x3FC00000: least significant byte first
        ByteBuffer advantages = ARRAYS.packed().getAdvantages();
        assertArrayEquals(new byte[] {0, 0, (byte) 0xC0, 0x3F},
            new byte[] {advantages.get(0), advantages.get(1), advantages.get(2), advantages.get(3)});
    }

    @Test
    void wireFormat1IsStillRead() {
        ResponseAdvantage r = response().setTokens(List.of(4, 17, 2)).setBehaviourLogProbs(List.of(-0.5f, -1e-7f, -3f))
            .setValues(List.of(0.25f, Float.MIN_VALUE, -0f)).setAdvantages(List.of(1.5f, -2f, 3e30f))
            .setReturns(List.of(1f, 1f, 0f)).build();
        ResponseArrays read = ResponseArrays.of(r);
        assertArrayEquals(ARRAYS.tokens(), read.tokens());
        assertArrayEquals(ARRAYS.advantages(), read.advantages());
        assertArrayEquals(ARRAYS.returns(), read.returns());
    }

    @Test
    void aPackedFieldOfAnOddLengthIsRefusedNamingTheField() {
        ResponseAdvantage r = response().setPacked(ARRAYS.packed()).build();
        r.getPacked().setBehaviourLogProbs(ByteBuffer.wrap(new byte[13]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ResponseArrays.of(r));
        assertEquals("packed.behaviourLogProbs: 13 bytes is not a whole number of 4-byte values", e.getMessage());
    }

    @Test
    void bothFormatsAtOnceAreRefused() {
        ResponseAdvantage r = response().setPacked(ARRAYS.packed()).setTokens(List.of(4)).build();
        assertThrows(IllegalArgumentException.class, () -> ResponseArrays.of(r));
    }
}
