package dev.retouch.eval.demo;

import dev.retouch.core.RetouchException;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeView;
import dev.retouch.eval.report.HtmlReport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The demo report: every method's before/after on the shipped models, in one HTML page whose pictures the
 * evaluation-only judge labels (when it is shipped). Sections: pixel model (samples, reconstruction, SDEdit),
 * pixelguide, the latent world (autoencoder, text-to-image, img2img), fewshot, SINE.
 */
public final class Demo {
    /** The shipped models the demo runs on. */
    public static final String PIXEL_MODEL = PixelDemo.MODEL;
    public static final String CLASSIFIERS = PixelguideDemo.CLASSIFIERS;
    public static final String LDM = LatentDemo.LDM;
    public static final String EFFECT = FewshotDemo.EFFECT;
    public static final String SINE_MODEL = SineDemo.SHIPPED;
    public static final String SINE_TITLE = SineDemo.TITLE;
    public static final String SINE_AUTO_TITLE = SineDemo.AUTO_TITLE;
    /** The shipped evaluation-only judge, when present, labels every image of the report. */
    public static final String JUDGE = "emoji-judge";

    private Demo() {
    }

    /** Where the report is and how long it took. */
    public record Result(Path report, double seconds) {
    }

    /**
     * Runs every section into {@code out} (created), with the models of {@code store} (its first root is where a
     * section looks for what is shipped).
     *
     * @param threads  the compute threads in force, for the report's footer
     * @param notices  progress lines, warnings and notices
     * @throws RetouchException before writing anything when the pixel model or the classifiers are missing
     */
    public static Result run(ModelStore store, Path out, long seed, boolean quick, int threads,
                             Consumer<String> notices) {
        store.resolve(PIXEL_MODEL); // fail before writing anything when a shipped model is missing
        store.resolve(CLASSIFIERS);
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new RetouchException("cannot create " + out + ": " + e.getMessage(), e);
        }
        Context ctx = new Context(store, store.roots().get(0), notices);
        long t0 = System.nanoTime();
        HtmlReport report = new HtmlReport(out, "Retouch demo");
        report.section("About", "Every section runs on the models shipped in models/ with seed " + seed
                + ". Images are shown enlarged without smoothing." + judgeView(ctx, report));
        List<Path> inputs = DemoInputs.extract(out);
        for (DemoSection section : List.<DemoSection>of(new PixelDemo(), new PixelguideDemo(), new LatentDemo(),
                new FewshotDemo(), new SineDemo(), new RectifierDemo(), new PortraitDemo())) {
            notices.accept("demo: " + section.title());
            section.run(ctx, report, inputs, seed, quick);
        }
        double secs = Context.seconds(t0);
        report.section("Total", String.format(Locale.ROOT, "demo wall time %.1f s (threads %d)", secs, threads));
        report.write();
        return new Result(out.resolve("index.html"), secs);
    }

    private static String judgeView(Context ctx, HtmlReport report) {
        Path dir = ctx.root().resolve(JUDGE);
        if (!Files.isDirectory(dir)) {
            ctx.warn("models/" + JUDGE + " is not shipped: images carry no judge labels");
            return "";
        }
        report.judge(new JudgeView(EmojiJudge.fromStore(ctx.store(), dir.toString())));
        return " Under each caption, in italics: what emoji-judge (an evaluation-only classifier no method uses) "
                + "takes the image for, its top-1 emoji subcategory and that class's probability. An output whose "
                + "label is not what it claims to be is not recognisable as such.";
    }
}
