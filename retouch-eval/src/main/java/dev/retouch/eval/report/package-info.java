/**
 * Report writers of the benchmarks and the demo: {@link dev.retouch.eval.report.HtmlReport} (a self-contained
 * page of sections, tables and image grids, every picture labelled by the evaluation-only judge when one is set).
 * The machine-readable side of a report is its {@code report.json}, written with {@code core.io.Json}.
 */
package dev.retouch.eval.report;
