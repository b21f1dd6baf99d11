package dev.vapostream.model.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CharTokenizerTest {

    private final CharTokenizer tokenizer = CharTokenizer.forBuiltInTask();

    @Test
    void specialTokensComeFirstAndVocabularyCountsThem() {
        assertEquals(0, CharTokenizer.PAD);
        assertEquals(1, CharTokenizer.BOS);
        assertEquals(2, CharTokenizer.EOS);
        assertEquals(3 + CharTokenizer.BUILT_IN_TASK_ALPHABET.length(), tokenizer.vocabSize());
    }

    @Test
    void textRoundTripsThroughIds() {
        // Given a worked solution, When encoded and decoded, Then the text is unchanged
        String text = "3+5=8;8-2=6;#6";
        assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
    }

    @Test
    void promptStartsWithBosAndResponseEndsWithEos() {
        int[] prompt = tokenizer.encodePrompt("3+5=");
        int[] response = tokenizer.encodeResponse("#8");
        assertEquals(CharTokenizer.BOS, prompt[0]);
        assertEquals(5, prompt.length);
        assertEquals(CharTokenizer.EOS, response[response.length - 1]);
        assertArrayEquals(tokenizer.encode("#8"), java.util.Arrays.copyOf(response, 2));
    }

    @Test
    void decodeDropsSpecialTokensAndStopsAtEos() {
        // Given ids with BOS, PAD and text after EOS, When decoded, Then only the text before EOS remains
        int[] ids = {CharTokenizer.BOS, tokenizer.encode("7")[0], CharTokenizer.PAD, CharTokenizer.EOS, tokenizer.encode("9")[0]};
        assertEquals("7", tokenizer.decode(ids));
    }

    @Test
    void charactersOutsideTheAlphabetAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("3*5"));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {tokenizer.vocabSize()}));
        assertThrows(IllegalArgumentException.class, () -> new CharTokenizer("aa"));
    }
}
