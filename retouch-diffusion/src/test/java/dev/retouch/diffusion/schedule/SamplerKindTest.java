package dev.retouch.diffusion.schedule;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampler names and what each builds. */
class SamplerKindTest {
    private static final NoiseSchedule S = new NoiseSchedule(NoiseScheduleConfig.ddpmLinear());

    @Test
    void namesParseBothWays() {
        for (SamplerKind k : SamplerKind.values()) {
            assertEquals(k, SamplerKind.parse(k.id()));
            assertEquals(k, SamplerKind.parse(k.name()), "the enum constant's name works too");
            assertEquals(k.id(), k.toString());
        }
        assertEquals(SamplerKind.DPMPP_2M, SamplerKind.parse(" DPMPP-2M "));
        assertEquals("ddim, ddpm, euler-karras, dpmpp-2m, dpmpp-2m-karras, unipc, unipc-karras", SamplerKind.names());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamplerKind.parse("euler"));
        assertTrue(e.getMessage().contains("'euler'") && e.getMessage().contains(SamplerKind.names()), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SamplerKind.parse(null));
    }

    @Test
    void eachKindBuildsItsSchedulerAndTimesteps() {
        int[] leading = Timesteps.spaced(25, 1000, TimestepSpacing.LEADING);
        int[] karras = Timesteps.karras(S, 25);
        assertInstanceOf(DDIMScheduler.class, SamplerKind.DDIM.create(S, 25, 0.5));
        assertEquals(0.5, ((DDIMScheduler) SamplerKind.DDIM.create(S, 25, 0.5)).eta());
        assertArrayEquals(leading, SamplerKind.DDIM.create(S, 25, 0).timesteps());
        assertInstanceOf(DDPMScheduler.class, SamplerKind.DDPM.create(S, 25, 0));
        assertArrayEquals(leading, SamplerKind.DDPM.create(S, 25, 0).timesteps());
        assertInstanceOf(EulerScheduler.class, SamplerKind.EULER_KARRAS.create(S, 25, 0));
        assertArrayEquals(karras, SamplerKind.EULER_KARRAS.create(S, 25, 0).timesteps());
        Scheduler dpm = SamplerKind.DPMPP_2M.create(S, 25, 0);
        assertInstanceOf(DPMSolverMultistepScheduler.class, dpm);
        assertTrue(((DPMSolverMultistepScheduler) dpm).lowerOrderFinal());
        assertArrayEquals(leading, dpm.timesteps());
        assertArrayEquals(karras, SamplerKind.DPMPP_2M_KARRAS.create(S, 25, 0).timesteps());
    }

    @Test
    void etaIsForDdimOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamplerKind.DPMPP_2M.create(S, 10, 1.0));
        assertTrue(e.getMessage().contains("ddim") && e.getMessage().contains("dpmpp-2m"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SamplerKind.DDIM.create(S, 10, -1));
        assertThrows(IllegalArgumentException.class, () -> SamplerKind.EULER_KARRAS.create(S, 0, 0));
    }
}
