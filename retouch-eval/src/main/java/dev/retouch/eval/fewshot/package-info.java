/**
 * The few-shot benchmark (paper 000's Tables 1 and 2 on the emoji skin-tone effect):
 * {@link dev.retouch.eval.fewshot.FewshotBenchmark} trains or loads the effects, edits every held-out pair and
 * writes {@code report.json} and {@code index.html}. The judge-FD column comes from the evaluation-only judge.
 */
package dev.retouch.eval.fewshot;
