/**
 * The compute engine as Retouch uses it: {@link dev.retouch.core.engine.Convolution}, the one entry point of every
 * 2-D convolution; the {@link dev.retouch.core.engine.SelfCheck} that probes this machine's convolution kernels
 * against float64 before the first one runs; the {@link dev.retouch.core.engine.ConvRoute} it chooses (oneDNN as
 * is, oneDNN with zero-padded channel counts, or ATen without oneDNN); and {@link dev.retouch.core.engine.Engine},
 * which caches that verdict per machine. Why: libtorch 2.10's oneDNN 3.7.1 returns wrong convolutions for some
 * channel counts on some CPUs (an AVX-512 AMD EPYC here), silently.
 */
package dev.retouch.core.engine;
