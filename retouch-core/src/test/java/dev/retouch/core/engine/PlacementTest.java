package dev.retouch.core.engine;

import dev.retouch.core.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** --device and --precision as a user writes them: the defaults, and one clear error for each impossible choice. */
class PlacementTest {
    @Test
    void autoIsCudaInHalfPrecisionWhereItExistsAndTheCpuInFloat32Otherwise() {
        Placement p = Placement.resolve("auto", "auto");
        if (Placement.cudaAvailable()) {
            assertEquals(new Placement("cuda", Placement.Precision.FP16), p);
        } else {
            assertEquals(Placement.CPU, p);
        }
        assertEquals(Placement.CPU, Placement.resolve(" CPU ", "fp32"));
        assertEquals(p, Placement.resolve(null, null), "nothing given: auto");
        assertEquals(Placement.CPU, Placement.resolve("cpu", "auto"), "the CPU's auto precision is fp32");
        assertEquals("cpu fp32", Placement.CPU.label());
    }

    @Test
    void impossibleChoicesAreOneErrorNamingTheOptionAndTheWayOut() {
        InvalidRequestException device = assertThrows(InvalidRequestException.class,
                () -> Placement.resolve("tpu", "auto"));
        assertTrue(device.getMessage().contains("--device 'tpu'"), device.getMessage());
        InvalidRequestException precision = assertThrows(InvalidRequestException.class,
                () -> Placement.resolve("cpu", "fp8"));
        assertTrue(precision.getMessage().contains("--precision 'fp8'"), precision.getMessage());
        InvalidRequestException half = assertThrows(InvalidRequestException.class,
                () -> Placement.resolve("cpu", "fp16"));
        assertTrue(half.getMessage().contains("use fp32 on the CPU"), half.getMessage());
        if (!Placement.cudaAvailable()) {
            InvalidRequestException cuda = assertThrows(InvalidRequestException.class,
                    () -> Placement.resolve("cuda:0", "auto"));
            String want = Placement.gpuNatives() ? "did not load" : "the CPU build";
            assertTrue(cuda.getMessage().startsWith("--device cuda:0: ") && cuda.getMessage().contains(want)
                    && cuda.getMessage().contains("--device cpu"), cuda.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Placement("gpu", Placement.Precision.FP32));
    }
}
