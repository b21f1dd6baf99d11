package dev.vapostream.answer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigInteger;
import java.util.Optional;

import dev.vapostream.answer.FinalAnswer.Verdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FinalAnswerTest {

    @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}")
    @CsvSource(delimiter = '|', value = {
        "reasoning # 42|42",
        "#42|42",
        "'# 42  '|42",
        "'6*7=42 #\\t42\\n'|42",
        "a # 1 # 2|2",
        "## 5|5",
        "#-13|-13",
        "# 007|7",
        "#-0|0",
        "#123456789012345678901234567890|123456789012345678901234567890",
    })
    void theIntegerAfterTheLastHashIsTheAnswer(String text, String expected) {
        // Given a response ending in '#' and an integer (When extracted) Then that integer is the answer
        assertEquals(Optional.of(new BigInteger(expected)), FinalAnswer.extract(text.replace("\\t", "\t").replace("\\n", "\n")));
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' has no answer")
    @ValueSource(strings = {"no hash at all 42", "42 #", "#", "# 4 2", "# +5", "# 4.0", "# 42 is it", "# 42#", "# - 4",
        "#42 # x", "# ٤٢", "# 0x2A", "# 1e3"})
    void anythingElseIsAFormatError(String text) {
        // Given a response whose text after the last '#' is not -?[0-9]+ (When extracted) Then there is no answer
        assertEquals(Optional.empty(), FinalAnswer.extract(text));
    }

    @Test
    void judgingComparesIntegersAndReportsFormatErrors() {
        assertEquals(Verdict.CORRECT, FinalAnswer.judge("1+2=3;#3", "3"));
        assertEquals(Verdict.CORRECT, FinalAnswer.judge("#007", "7"));
        assertEquals(Verdict.CORRECT, FinalAnswer.judge("#-0", "0"));
        assertEquals(Verdict.WRONG, FinalAnswer.judge("1+2=4;#4", "3"));
        assertEquals(Verdict.FORMAT_ERROR, FinalAnswer.judge("1+2=3;3", "3"));
        assertEquals(Verdict.FORMAT_ERROR, FinalAnswer.judge("#8;", "8"));
    }

    @Test
    void aWrittenAnswerIsAnIntegerAsItStands() {
        assertEquals(true, FinalAnswer.isInteger("-12"));
        assertEquals(false, FinalAnswer.isInteger(" 12"));
        assertEquals(false, FinalAnswer.isInteger(null));
    }
}
