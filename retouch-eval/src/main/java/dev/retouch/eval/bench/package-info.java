/**
 * Timings on this machine: {@link dev.retouch.eval.bench.Bench} (components and whole pipelines, medians of repeats)
 * and the UNets side by side with PyTorch ({@code VsPytorch}, Debian's python3-torch as the independent reference).
 */
package dev.retouch.eval.bench;
