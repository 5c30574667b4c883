/**
 * Noise processes and samplers, separate from the networks (models never see a schedule). {@link
 * dev.retouch.diffusion.schedule.NoiseSchedule} holds the closed forms of q(x_t | x₀); every {@link
 * dev.retouch.diffusion.schedule.Scheduler} is immutable and keeps a run's progress in a per-run
 * {@link dev.retouch.diffusion.schedule.SchedulerState}. DDPM: Ho et al. 2020; DDIM and its inversion: Song et al. 2021;
 * respacing: Nichol &amp; Dhariwal 2021.
 */
package dev.retouch.diffusion.schedule;
