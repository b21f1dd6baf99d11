package dev.vapostream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class FlagsTest {

    @Test
    void readsSpaceAndEqualsFormsAndBareSwitches() {
        Flags flags = Flags.parse(List.of("--seed", "7", "--run-dir=runs/a", "--resume"), Set.of("seed", "run-dir", "resume"));
        assertEquals(7, flags.getInt("seed", 0));
        assertEquals("runs/a", flags.get("run-dir", null));
        assertEquals("true", flags.get("resume", "false"));
        assertEquals(3, flags.getInt("absent", 3));
    }

    @Test
    void unknownFlagIsAnErrorListingTheKnownOnes() {
        Flags.UsageException e = assertThrows(Flags.UsageException.class,
            () -> Flags.parse(List.of("--sed", "7"), Set.of("seed")));
        assertTrue(e.getMessage().contains("--sed") && e.getMessage().contains("--seed"), e.getMessage());
    }

    @Test
    void nonIntegerValueSaysWhichFlag() {
        Flags flags = Flags.parse(List.of("--seed", "x"), Set.of("seed"));
        Flags.UsageException e = assertThrows(Flags.UsageException.class, () -> flags.getInt("seed", 0));
        assertTrue(e.getMessage().contains("--seed"), e.getMessage());
    }
}
