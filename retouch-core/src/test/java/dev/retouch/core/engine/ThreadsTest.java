package dev.retouch.core.engine;

import dev.retouch.core.RetouchException;
import dev.retouch.core.nn.Linear;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThreadsTest {
    @Test
    void theDefaultIsOneOnSmallMachinesAllCoresOnLargerOnesAndTheEnvironmentWins() {
        assertEquals(1, Threads.defaultCount(null, 1));
        assertEquals(1, Threads.defaultCount(null, 2));
        assertEquals(8, Threads.defaultCount(null, 8));
        assertEquals(3, Threads.defaultCount("3", 2));
        assertEquals(1, Threads.defaultCount(" ", 2));
        assertEquals(0, Threads.defaultCount("two", 2), "invalid: refused when applied");
        assertEquals(0, Threads.defaultCount("-3", 2));
    }

    @Test
    void aModuleAppliesTheDefaultAndSetReachesLibtorchAndRefusesNonPositiveCounts() {
        new Linear(2, 2, true);
        int configured = Threads.ensureConfigured();
        assertTrue(configured >= 1);
        assertEquals(configured, torch.get_num_threads(), "the library's count is libtorch's");
        try {
            Threads.set(2);
            assertEquals(2, torch.get_num_threads());
            assertEquals(2, Threads.ensureConfigured(), "an explicit count is kept");
            RetouchException e = assertThrows(RetouchException.class, () -> Threads.set(0));
            assertTrue(e.getMessage().contains("0 is not a positive whole number of threads"), e.getMessage());
            assertEquals(2, torch.get_num_threads(), "a refused count changes nothing");
        } finally {
            Threads.set(configured);
        }
    }
}
