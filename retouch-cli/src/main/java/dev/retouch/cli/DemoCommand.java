package dev.retouch.cli;

import dev.retouch.eval.report.HtmlReport;

import dev.retouch.core.RetouchException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code retouch demo}: runs every method that exists on the shipped models and writes an HTML report. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run every available method on the embedded models and write DIR/index.html with before/after "
                + "images, parameters and timings.",
        footer = {"", "Example:", "  bin/retouch demo --out out/demo   # then open out/demo/index.html"})
final class DemoCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--out", defaultValue = "out/demo", description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--quick", description = "Fewer images and steps (for tests).")
    boolean quick;

    /** The shipped evaluation-only judge, when present, labels every image of the report. */
    static final String JUDGE = "emoji-judge";

    private static String judgeView(HtmlReport report) {
        Path dir = Models.shippedRoot().resolve(JUDGE);
        if (!Files.isDirectory(dir)) {
            CliSupport.warn("models/" + JUDGE + " is not shipped: images carry no judge labels");
            return "";
        }
        var view = new dev.retouch.eval.judge.JudgeView(dev.retouch.eval.judge.EmojiJudge.load(dir));
        report.judge(view);
        return " Under each caption, in italics: what emoji-judge (an evaluation-only classifier no method uses) "
                + "takes the image for, its top-1 emoji subcategory and that class's probability. An output whose "
                + "label is not what it claims to be is not recognisable as such.";
    }

    @Override
    public void run() {
        common.apply();
        Models.resolve(PixelDemo.MODEL); // fail before writing anything when a shipped model is missing
        Models.resolve(PixelguideDemo.CLASSIFIERS);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new RetouchException("cannot create " + out + ": " + e.getMessage(), e);
        }
        long t0 = System.nanoTime();
        HtmlReport report = new HtmlReport(out, "Retouch demo");
        report.section("About", "Every section runs on the models shipped in models/ with seed " + seed
                + ". Images are shown enlarged without smoothing." + judgeView(report));
        List<Path> inputs = DemoInputs.extract(out);
        for (DemoSection section : List.<DemoSection>of(new PixelDemo(), new PixelguideDemo(), new LatentDemo(),
                new FewshotDemo(), new SineDemo())) {
            System.err.println("demo: " + section.title());
            section.run(report, inputs, seed, quick);
        }
        double secs = CliSupport.seconds(t0);
        report.section("Total", String.format(Locale.ROOT, "demo wall time %.1f s (threads %d)", secs, common.threads));
        report.write();
        var res = new java.util.LinkedHashMap<String, Object>();
        res.put("report", out.resolve("index.html").toString());
        res.put("seconds", secs);
        CliSupport.print(common, res);
    }
}
