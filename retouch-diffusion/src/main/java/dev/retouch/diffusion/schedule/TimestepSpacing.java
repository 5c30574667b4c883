package dev.retouch.diffusion.schedule;

/** How a run's timesteps are chosen from the T training timesteps (diffusers' names). */
public enum TimestepSpacing {
    /** t = i·(T/n) for i = n−1 … 0 (integer ratio). */
    LEADING,
    /** t = round(T − i·T/n) − 1 for i = 0 … n−1; includes T−1. */
    TRAILING,
    /** t = round(linspace(0, T−1, n)), descending. */
    LINSPACE
}
