package dev.retouch.cli;

import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.DDPMScheduler;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.diffusion.schedule.VarianceType;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;

/**
 * {@code --sampler} of the latent commands: a scheduler over an explicit timestep list (img2img runs a tail of it).
 * To be replaced by the schedule package's sampler kinds when they arrive.
 */
enum LatentSampler {
    /** Deterministic DDIM (η = 0). */
    DDIM,
    /** Ancestral DDPM with the posterior variance. */
    DDPM;

    Scheduler over(NoiseSchedule schedule, int[] descending) {
        return switch (this) {
            case DDIM -> new DDIMScheduler(schedule, descending, 0.0);
            case DDPM -> new DDPMScheduler(schedule, descending, VarianceType.FIXED_SMALL);
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses "ddim" or "ddpm" (any case) so that picocli reports a bad value as a usage error. */
    static final class Converter implements ITypeConverter<LatentSampler> {
        @Override
        public LatentSampler convert(String value) {
            for (LatentSampler s : values()) {
                if (s.toString().equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return s;
                }
            }
            throw new TypeConversionException("unknown sampler '" + value + "', expected ddim or ddpm");
        }
    }
}
