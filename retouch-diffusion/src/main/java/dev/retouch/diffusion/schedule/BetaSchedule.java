package dev.retouch.diffusion.schedule;

/** How β_t grows over the training timesteps. */
public enum BetaSchedule {
    /** β linear from betaStart to betaEnd (DDPM, Ho et al. 2020). */
    LINEAR,
    /** √β linear (Stable Diffusion's "scaled_linear"). */
    SCALED_LINEAR,
    /** ᾱ_t = cos²(((t/T)+s)/(1+s)·π/2), β clipped at 0.999 (Nichol &amp; Dhariwal 2021, "squaredcos_cap_v2"). */
    COSINE
}
