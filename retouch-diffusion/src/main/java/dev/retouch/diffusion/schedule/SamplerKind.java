package dev.retouch.diffusion.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The samplers a user picks by name (the CLI's {@code --sampler}), each with its usual timesteps for a step count:
 * leading spacing as {@link DDIMScheduler#of}, or Karras noise levels ({@link Timesteps#karras}, which may give a few
 * steps fewer than asked for large counts).
 */
public enum SamplerKind {
    /** DDIM, η from the caller (0 = deterministic). */
    DDIM("ddim"),
    /** Ancestral DDPM with the posterior variance β̃. */
    DDPM("ddpm"),
    /** Deterministic Euler over Karras noise levels. */
    EULER_KARRAS("euler-karras"),
    /** DPM-Solver++(2M) over leading-spaced timesteps. */
    DPMPP_2M("dpmpp-2m"),
    /** DPM-Solver++(2M) over Karras noise levels. */
    DPMPP_2M_KARRAS("dpmpp-2m-karras"),
    /** UniPC (predictor-corrector, order 2, bh2; paper 003's sampler) over leading-spaced timesteps. */
    UNIPC("unipc"),
    /** UniPC over Karras noise levels. */
    UNIPC_KARRAS("unipc-karras");

    private final String id;

    SamplerKind(String id) {
        this.id = id;
    }

    /** The name users type, e.g. {@code dpmpp-2m}. */
    public String id() {
        return id;
    }

    @Override
    public String toString() {
        return id;
    }

    /** All names, comma-separated, for help texts and errors. */
    public static String names() {
        return Arrays.stream(values()).map(SamplerKind::id).collect(Collectors.joining(", "));
    }

    /** The kind named {@code name} (case-insensitive; {@code _} may stand for {@code -}). */
    public static SamplerKind parse(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (SamplerKind k : values()) {
            if (k.id.equals(key)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown sampler '" + name + "', expected one of " + names());
    }

    /**
     * A scheduler of this kind over {@code steps} steps of {@code schedule}.
     *
     * @param eta DDIM's η; must be 0 for the other kinds (they have no such option)
     */
    public Scheduler create(NoiseSchedule schedule, int steps, double eta) {
        if (this != DDIM && eta != 0) {
            throw new IllegalArgumentException("eta applies to the ddim sampler only, got eta=" + eta + " for " + id);
        }
        return switch (this) {
            case DDIM -> new DDIMScheduler(schedule, Timesteps.leading(schedule, steps), eta);
            case DDPM -> new DDPMScheduler(schedule, Timesteps.leading(schedule, steps),
                    VarianceType.FIXED_SMALL);
            case EULER_KARRAS -> EulerScheduler.of(schedule, steps, true);
            case DPMPP_2M -> DPMSolverMultistepScheduler.of(schedule, steps, false);
            case DPMPP_2M_KARRAS -> DPMSolverMultistepScheduler.of(schedule, steps, true);
            case UNIPC -> UniPCMultistepScheduler.of(schedule, steps);
            case UNIPC_KARRAS -> new UniPCMultistepScheduler(schedule, Timesteps.karras(schedule, steps), true);
        };
    }

    /**
     * A scheduler of this kind over an explicit descending timestep list, e.g. the tail of {@link #create}'s list
     * that img2img runs from its strength (DDIM with η = 0).
     */
    public Scheduler over(NoiseSchedule schedule, int[] descending) {
        return switch (this) {
            case DDIM -> new DDIMScheduler(schedule, descending, 0.0);
            case DDPM -> new DDPMScheduler(schedule, descending, VarianceType.FIXED_SMALL);
            case EULER_KARRAS -> new EulerScheduler(schedule, descending);
            case DPMPP_2M, DPMPP_2M_KARRAS -> new DPMSolverMultistepScheduler(schedule, descending, true);
            case UNIPC, UNIPC_KARRAS -> new UniPCMultistepScheduler(schedule, descending, true);
        };
    }
}
