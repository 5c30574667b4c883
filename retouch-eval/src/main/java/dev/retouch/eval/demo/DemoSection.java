package dev.retouch.eval.demo;

import dev.retouch.eval.report.HtmlReport;


import java.nio.file.Path;
import java.util.List;

/** One method's part of the demo report. Later methods add their own sections. */
interface DemoSection {
    String title();

    /** Runs the method on the demo inputs and appends its results to the report. */
    void run(Context ctx, HtmlReport report, List<Path> inputs, long seed, boolean quick);
}
