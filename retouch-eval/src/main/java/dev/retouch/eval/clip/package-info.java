/**
 * emoji-clip scores for the benchmarks ({@link dev.retouch.eval.clip.ClipScorer}): image·caption cosines and image
 * similarities, with one resize policy. They describe outputs; the evaluation-only judge is what scores methods.
 */
package dev.retouch.eval.clip;
