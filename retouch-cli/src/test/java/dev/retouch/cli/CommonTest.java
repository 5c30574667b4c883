package dev.retouch.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommonTest {
    @Test
    void defaultThreadsAreOneOnSmallMachinesAllCoresOnLargerOnesAndTheEnvironmentWins() {
        assertEquals(1, Common.defaultThreads(null, 1));
        assertEquals(1, Common.defaultThreads(null, 2));
        assertEquals(8, Common.defaultThreads(null, 8));
        assertEquals(3, Common.defaultThreads("3", 2));
        assertEquals(1, Common.defaultThreads(" ", 2));
        assertEquals(0, Common.defaultThreads("two", 2), "invalid: refused when the command applies it");
        assertEquals(0, Common.defaultThreads("-3", 2));
    }

    @Test
    void theThreadsOptionOverridesTheDefaultAndANonPositiveCountIsOneClearError() throws Exception {
        CliRun r = CliRun.run("doctor", "--threads", "2");
        assertTrue(r.out().contains("2 threads"), r.out());
        CliRun bad = CliRun.run("doctor", "--threads", "0");
        assertEquals(1, bad.code(), bad::describe);
        assertEquals(1, bad.errorLines().size(), bad::describe);
        assertTrue(bad.errorLines().get(0).contains("not a positive whole number"), bad.err());
    }
}
