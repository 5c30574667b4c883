/**
 * Benchmarks of the latent world's components: {@link dev.retouch.eval.components.ClipBenchmark} (emoji-clip's
 * zero-shot caption retrieval) and {@link dev.retouch.eval.components.VaeBenchmark} (the autoencoder's round trip).
 */
package dev.retouch.eval.components;
