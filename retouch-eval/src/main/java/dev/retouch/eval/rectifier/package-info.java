/**
 * Paper 002's editing evaluation (its Table 2 and Fig. 6) on the emoji test faces: {@link
 * dev.retouch.eval.rectifier.RectifierBenchmark} edits with the trained rectifier edits, with DiffusionCLIP-style
 * baselines trained on the same images, prompts and budget, and with the full-interval ablation, and scores them
 * with the evaluation-only judge (identity = cosine of judge features, attribute = the judge's top-1 subcategory).
 */
package dev.retouch.eval.rectifier;
