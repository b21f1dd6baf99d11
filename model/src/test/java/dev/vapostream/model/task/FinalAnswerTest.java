package dev.vapostream.model.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vapostream.model.task.FinalAnswer.Verdict;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FinalAnswerTest {

    @Test
    void theAnswerIsTheTrimmedTextAfterTheLastHash() {
        assertEquals(Optional.of("6"), FinalAnswer.extract("3+5=8;8-2=6;#6"));
        assertEquals(Optional.of("2"), FinalAnswer.extract("#1;#2"));
        assertEquals(Optional.of("-7"), FinalAnswer.extract("work # -7 \n"));
    }

    @Test
    void noHashOrANonIntegerAfterTheLastHashIsAFormatError() {
        assertEquals(Optional.empty(), FinalAnswer.extract("3+5=8"));
        assertEquals(Optional.empty(), FinalAnswer.extract("#8;"));
        assertEquals(Optional.empty(), FinalAnswer.extract("#8#"));
        assertEquals(Optional.empty(), FinalAnswer.extract("#+8"));
        assertEquals(Optional.empty(), FinalAnswer.extract("#--8"));
        assertEquals(Optional.empty(), FinalAnswer.extract(""));
    }

    @Test
    void judgingComparesIntegersAndReportsFormatErrors() {
        assertEquals(Verdict.CORRECT, FinalAnswer.judge("1+2=3;#3", "3"));
        assertEquals(Verdict.CORRECT, FinalAnswer.judge("#007", "7"));
        assertEquals(Verdict.CORRECT, FinalAnswer.judge("#-0", "0"));
        assertEquals(Verdict.WRONG, FinalAnswer.judge("1+2=4;#4", "3"));
        assertEquals(Verdict.FORMAT_ERROR, FinalAnswer.judge("1+2=3;3", "3"));
    }
}
