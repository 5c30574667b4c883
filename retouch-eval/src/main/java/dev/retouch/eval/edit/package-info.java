/**
 * Benchmarks of the editing methods, each a typed {@code Config → Result} that writes its {@code report.json} and
 * {@code index.html}: {@link dev.retouch.eval.edit.SdeditBenchmark} (does SDEdit / img2img keep the judge's subject of
 * a test image? with {@link dev.retouch.eval.edit.SubjectKept}). Every verdict comes from the evaluation-only judge.
 */
package dev.retouch.eval.edit;
