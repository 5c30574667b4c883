package dev.retouch.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommonTest {
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
