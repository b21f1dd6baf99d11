package dev.vapostream.model.tokenizer;

import java.util.Arrays;

/**
 * Character-level tokenizer: one token per character of a fixed alphabet, plus three special
 * tokens. Ids are stable: PAD = 0, BOS = 1, EOS = 2, then the alphabet in the given order, so a
 * weight file trained with one alphabet keeps meaning the same characters.
 */
public final class CharTokenizer {

    public static final int PAD = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    private static final int FIRST_CHAR_ID = 3;

    /** The characters the built-in running-sum task writes (see docs/task.md). */
    public static final String BUILT_IN_TASK_ALPHABET = "0123456789+-=;#";

    private final String alphabet;
    private final int[] idByChar = new int[128];

    public CharTokenizer(String alphabet) {
        Arrays.fill(idByChar, -1);
        for (int i = 0; i < alphabet.length(); i++) {
            char c = alphabet.charAt(i);
            if (c >= 128) {
                throw new IllegalArgumentException("alphabet must be ASCII, got '" + c + "'");
            }
            if (idByChar[c] >= 0) {
                throw new IllegalArgumentException("alphabet repeats '" + c + "'");
            }
            idByChar[c] = FIRST_CHAR_ID + i;
        }
        this.alphabet = alphabet;
    }

    public static CharTokenizer forBuiltInTask() {
        return new CharTokenizer(BUILT_IN_TASK_ALPHABET);
    }

    public int vocabSize() {
        return FIRST_CHAR_ID + alphabet.length();
    }

    public String alphabet() {
        return alphabet;
    }

    /** Token ids of {@code text}, without special tokens. */
    public int[] encode(String text) {
        int[] ids = new int[text.length()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idOf(text.charAt(i));
        }
        return ids;
    }

    /** A prompt as the model sees it: BOS followed by the characters. */
    public int[] encodePrompt(String prompt) {
        int[] chars = encode(prompt);
        int[] ids = new int[chars.length + 1];
        ids[0] = BOS;
        System.arraycopy(chars, 0, ids, 1, chars.length);
        return ids;
    }

    /** A supervised target response: the characters followed by EOS. */
    public int[] encodeResponse(String response) {
        int[] chars = encode(response);
        int[] ids = Arrays.copyOf(chars, chars.length + 1);
        ids[chars.length] = EOS;
        return ids;
    }

    /**
     * Text of {@code ids}: alphabet characters are kept, special tokens are dropped, and decoding
     * stops at the first EOS (what follows EOS is not part of a response).
     */
    public String decode(int[] ids) {
        StringBuilder text = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id == EOS) {
                break;
            }
            if (id >= FIRST_CHAR_ID) {
                text.append(charOf(id));
            } else if (id != PAD && id != BOS) {
                throw new IllegalArgumentException("unknown token id " + id);
            }
        }
        return text.toString();
    }

    private int idOf(char c) {
        int id = c < 128 ? idByChar[c] : -1;
        if (id < 0) {
            throw new IllegalArgumentException("character '" + c + "' is not in the alphabet \"" + alphabet + "\"");
        }
        return id;
    }

    private char charOf(int id) {
        int index = id - FIRST_CHAR_ID;
        if (index >= alphabet.length()) {
            throw new IllegalArgumentException("unknown token id " + id);
        }
        return alphabet.charAt(index);
    }
}
