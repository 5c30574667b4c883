package dev.retouch.diffusion.train;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TrainConfigTest {
    @Test
    void constantAfterWarmupByDefault() {
        TrainConfig c = new TrainConfig(100, 4, 1e-3, 10, 0, 0, 0, 0, 0);
        assertEquals(1e-4, c.learningRateAt(0), 1e-12);
        assertEquals(5e-4, c.learningRateAt(4), 1e-12);
        assertEquals(1e-3, c.learningRateAt(9), 1e-12);
        assertEquals(1e-3, c.learningRateAt(99), 1e-12);
    }

    @Test
    void stepDecayCountsFromTheEndOfWarmup() {
        // paper 002's editing schedule: ×0.9 every 10 steps
        TrainConfig c = new TrainConfig(100, 4, 1e-3, 5, 0, 0, 0, 0, 0, 10, 0.9);
        assertEquals(1e-3, c.learningRateAt(4), 1e-12);
        assertEquals(1e-3, c.learningRateAt(14), 1e-12);
        assertEquals(0.9e-3, c.learningRateAt(15), 1e-12);
        assertEquals(1e-3 * Math.pow(0.9, 9), c.learningRateAt(99), 1e-12);
        TrainConfig noWarmup = new TrainConfig(100, 4, 1e-3, 0, 0, 0, 0, 0, 0, 10, 0.5);
        assertEquals(1e-3, noWarmup.learningRateAt(9), 1e-12);
        assertEquals(0.5e-3, noWarmup.learningRateAt(10), 1e-12);
        assertEquals(0.25e-3, noWarmup.learningRateAt(29), 1e-12);
    }

    @Test
    void badDecayIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(10, 1, 1e-3, 0, 0, 0, 0, 0, 0, -1, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(10, 1, 1e-3, 0, 0, 0, 0, 0, 0, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(10, 1, 1e-3, 0, 0, 0, 0, 0, 0, 10, 1.5));
    }
}
