package dev.retouch.diffusion.schedule;

/** The variance of DDPM's reverse step (Ho et al. 2020, §3.2). */
public enum VarianceType {
    /** σ² = β̃_t = (1−ᾱ_{t−1})/(1−ᾱ_t)·β_t, the posterior variance. */
    FIXED_SMALL,
    /** σ² = β_t. */
    FIXED_LARGE
}
