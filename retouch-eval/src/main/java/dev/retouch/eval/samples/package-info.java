/**
 * Benchmarks of the base models themselves: {@link dev.retouch.eval.samples.SamplesBenchmark} (unconditional samples
 * read by the evaluation-only judge: judge-FD against its floor, the share it recognises).
 */
package dev.retouch.eval.samples;
