/**
 * Paper 003's evaluation (Table 1) on emojis: {@link dev.retouch.eval.portrait.PortraitBenchmark}.
 */
package dev.retouch.eval.portrait;
