package dev.retouch.eval.demo;

import dev.retouch.eval.edit.PixelguideBenchmark;

import dev.retouch.eval.report.HtmlReport;



import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.edit.pixelguide.EditScores;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.edit.pixelguide.MapEdit;
import dev.retouch.edit.pixelguide.PixelClassifiers;
import dev.retouch.edit.pixelguide.PixelGuide;
import dev.retouch.edit.pixelguide.Roi;
import dev.retouch.edit.pixelguide.ScriptedEdits;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Demo of pixelguide on the demo's face inputs: input, maps, ROI, result and the SDEdit baseline. */
final class PixelguideDemo implements DemoSection {
    static final String CLASSIFIERS = "pixelguide-emoji";

    @Override
    public String title() {
        return "pixelguide: editing from an edited segmentation map";
    }

    @Override
    public void run(Context ctx, HtmlReport report, List<Path> inputs, long seed, boolean quick) {
        PixelDiffusionModel m = ctx.store().pixel(PixelDemo.MODEL);
        PixelClassifiers pc = ctx.store().classifiers(CLASSIFIERS);
        report.section("pixelguide (paper 004)", "Each face is segmented by the pixel classifiers, its map is edited by "
                + "a scripted operation, and the image is inverted to t0 and regenerated with classifier guidance "
                + "inside the ROI (50-step respaced DDIM). Baseline: SDEdit (strength 0.5) of the image with the edit "
                + "painted in palette colours.");
        List<List<Object>> rows = new ArrayList<>();
        for (Path p : inputs.subList(0, 2)) { // the two face inputs
            RgbImage img = ctx.imageAt(p, m.sampleSize());
            LabelMap original = pc.segment(m, ImageTensors.toTensor(img), seed);
            List<ScriptedEdits.Edit> edits = ScriptedEdits.forMap(original).stream()
                    .filter(e -> !java.util.Arrays.equals(MapEdit.apply(original, e.ops()).classes(), original.classes()))
                    .toList();
            for (ScriptedEdits.Edit e : quick ? edits.subList(0, Math.min(1, edits.size())) : edits) {
                rows.add(demoEdit(report, m, pc, p, img, original, e, seed));
            }
        }
        report.table(List.of("input", "edit", "ROI px", "t0", "scale", "PSNR outside",
                "accuracy inside (pixel classifiers: they guide the edit)", "SDEdit accuracy inside (same)",
                "changed pixels right (emoji-judge)", "SDEdit changed pixels right (emoji-judge)", "seconds"), rows);
    }

    private List<Object> demoEdit(HtmlReport report, PixelDiffusionModel m, PixelClassifiers pc, Path p, RgbImage img,
                                  LabelMap original, ScriptedEdits.Edit e, long seed) {
        LabelMap target = MapEdit.apply(original, e.ops());
        var roi = Roi.of(original, target);
        var o = PixelGuide.defaults(roi, null, null, true, PixelGuide.Sampler.DDIM, seed);
        long t0 = System.nanoTime();
        RgbImage out = ImageTensors.fromTensor(PixelGuide.edit(m, pc, ImageTensors.toTensor(img), original, target, o,
                null).image());
        double secs = Context.seconds(t0);
        var c = new PixelguideBenchmark.Case(p.getFileName().toString(), e.name(), img, original, target, roi);
        RgbImage painted = PixelguideBenchmark.paint(c);
        RgbImage sd = ImageTensors.fromTensor(PixelPipelines.sdedit(m, ImageTensors.toTensor(painted), 0.5, 50,
                Tensors.generator(seed), LoopHooks.NONE));
        var judge = report.judge();
        List<RgbImage> row = new ArrayList<>(List.of(img, report.plain(original.toImage()),
                report.plain(target.toImage()), report.plain(PixelguideBenchmark.roiImage(roi)), out));
        List<String> caps = new ArrayList<>(List.of("input", "segmentation", e.name(), "ROI", "pixelguide"));
        if (judge != null) {
            row.add(report.plain(new LabelMap(out.width(), out.height(), judge.segment(out)).toImage()));
            caps.add("judge's map of pixelguide");
        }
        row.add(sd);
        caps.add("SDEdit baseline");
        report.images(row, caps, 3);
        return List.of(p.getFileName().toString(), e.name(), roi.count(), o.t0(), o.scale(),
                Metrics.psnr(img, out, 1.0, roi, true), EditScores.accuracyInside(pc, m, out, target, roi, seed),
                EditScores.accuracyInside(pc, m, sd, target, roi, seed),
                judge == null ? "–" : judge.accuracyInside(out, target.classes(), PixelguideBenchmark.changed(c)::inside),
                judge == null ? "–" : judge.accuracyInside(sd, target.classes(), PixelguideBenchmark.changed(c)::inside),
                String.format(Locale.ROOT, "%.2f", secs));
    }
}
