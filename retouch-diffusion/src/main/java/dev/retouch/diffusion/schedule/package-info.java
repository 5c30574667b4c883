/**
 * Noise processes and samplers, separate from the networks (models never see a schedule). {@link
 * dev.retouch.diffusion.schedule.NoiseSchedule} holds the closed forms of q(x_t | x₀) and the noise levels σ_t and λ_t;
 * every {@link dev.retouch.diffusion.schedule.Scheduler} is immutable and keeps a run's progress (and a multistep
 * solver's history) in a per-run {@link dev.retouch.diffusion.schedule.SchedulerState}. All schedulers share one sample
 * convention, the variance-preserving x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε; ODE solvers in other variables convert inside their
 * step. DDPM: Ho et al. 2020; DDIM and its inversion: Song et al. 2021; respacing: Nichol &amp; Dhariwal 2021; Euler
 * and Karras noise levels: Karras et al. 2022; DPM-Solver++(2M): Lu et al. 2022. {@link
 * dev.retouch.diffusion.schedule.SamplerKind} builds a sampler by name (the CLI's {@code --sampler}).
 */
package dev.retouch.diffusion.schedule;
