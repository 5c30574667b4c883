/**
 * SINE's evaluation on held-out emoji faces: {@link dev.retouch.eval.sine.SineBenchmark} (fine-tunes, edits, scores
 * SINE against SDEdit, the fine-tuned and the pretrained model, with K/v sweeps and other sizes). The judge columns
 * come from the evaluation-only judge; emoji-clip's conditions the model and is reported as such.
 */
package dev.retouch.eval.sine;
