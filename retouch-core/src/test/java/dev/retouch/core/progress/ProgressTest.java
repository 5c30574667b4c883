package dev.retouch.core.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The text bar: a given total, a total taken from the run, a line per tenth when not on a terminal. */
class ProgressTest {
    private static String run(long total, long steps) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Progress p = new Progress("edit", total, out, false, 0);
        for (long i = 1; i <= steps; i++) {
            assertTrue(p.onStep(i, steps, Double.NaN), "a progress bar never cancels");
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aTotalOfZeroIsTakenFromTheRun() {
        String given = run(20, 20);
        String learnt = run(0, 20);
        assertTrue(learnt.contains("edit [########################] 20/20"), learnt);
        assertEquals(given.lines().count(), learnt.lines().count(), "the same lines: " + learnt);
        assertEquals(11, learnt.lines().count(), "the first step, then one line per tenth: " + learnt);
        assertTrue(learnt.lines().findFirst().orElseThrow().contains(" 1/20 "), learnt);
        assertTrue(learnt.lines().skip(1).findFirst().orElseThrow().contains(" 2/20 "), learnt);
    }

    @Test
    void theNoneListenerNeverCancels() {
        assertTrue(StepListener.NONE.onStep(3, 3, 0.5));
    }
}
