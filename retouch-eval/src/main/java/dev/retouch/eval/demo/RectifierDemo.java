package dev.retouch.eval.demo;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.rectifier.RectifiedModel;
import dev.retouch.edit.rectifier.RectifierEdit;
import dev.retouch.eval.report.HtmlReport;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demo of the rectifier (paper 002) on emoji-ddpm-32: DDIM reconstruction of the demo faces with and without the
 * shipped rectifier, then every shipped rectifier edit ({@code models/effects/rectifier-*}) on them.
 */
final class RectifierDemo implements DemoSection {
    static final String RECTIFIER = "rectifier-emoji-ddpm-32";
    /** The demo inputs that are faces (the edits are trained on faces). */
    static final List<String> FACES = List.of("1f601.png", "1f629.png");

    @Override
    public String title() {
        return "rectifier (paper 002)";
    }

    @Override
    public void run(Context ctx, HtmlReport report, List<Path> inputs, long seed, boolean quick) {
        ModelStore store = ctx.store();
        Path rectDir = ctx.root().resolve(RECTIFIER);
        if (!Files.isDirectory(rectDir)) {
            report.section(title(), "not shipped yet: models/" + RECTIFIER + " is missing.");
            return;
        }
        PixelDiffusionModel m = store.pixel(PixelDemo.MODEL);
        RectifiedModel rectified = RectifiedModel.of(m, store.resolve(PixelDemo.MODEL), rectDir, store::resolve);
        int steps = quick ? 10 : 50;
        List<RgbImage> faces = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (FACES.contains(DemoInputs.NAMES.get(i)) && (!quick || faces.isEmpty())) {
                faces.add(ctx.imageAt(inputs.get(i), m.sampleSize()));
                names.add(DemoInputs.NAMES.get(i));
            }
        }
        report.section(title() + ": reconstruction", "DDIM inversion and regeneration (" + steps + " steps each way) "
                + "by " + PixelDemo.MODEL + " alone and with its rectifier, which modulates the middle and up "
                + "convolutions per step from [x0, the model's estimate of x0].");
        List<List<Object>> rows = new ArrayList<>();
        try (PointerScope ignored = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor x = ImageTensors.toTensor(faces);
            long t0 = System.nanoTime();
            List<RgbImage> plain = ImageTensors.fromBatch(PixelPipelines.reconstruct(m, x, steps, LoopHooks.NONE)
                    .image());
            double plainSecs = Context.seconds(t0);
            t0 = System.nanoTime();
            List<RgbImage> rect = ImageTensors.fromBatch(rectified.reconstruct(x, steps, LoopHooks.NONE).image());
            double rectSecs = Context.seconds(t0);
            for (int i = 0; i < faces.size(); i++) {
                report.images(List.of(faces.get(i), plain.get(i), rect.get(i)), List.of(names.get(i),
                        "base model", "with rectifier"), 3);
                rows.add(List.of(names.get(i), Metrics.psnr(faces.get(i), plain.get(i), 1.0),
                        Metrics.psnr(faces.get(i), rect.get(i), 1.0), plainSecs / faces.size(),
                        rectSecs / faces.size()));
            }
        }
        report.table(List.of("input", "PSNR base dB", "PSNR rectified dB", "seconds base", "seconds rectified"), rows);

        List<ModelStore.Entry> edits = store.list().stream().filter(e -> e.kind().equals("rectifier-edit")).toList();
        if (edits.isEmpty()) {
            report.section(title() + ": edits", "no rectifier edit is shipped under models/effects/.");
            return;
        }
        for (ModelStore.Entry e : edits) {
            RectifierEdit edit = store.rectifierEdit(e.dir().toString());
            if (edit.spec().images().contains("@")) { // trained on a skin tone's people: shown on held-out people
                skinTone(report, e, edit, m.sampleSize(), steps, quick);
                continue;
            }
            report.section(title() + ": edit " + e.name(), "Trained by Algorithm 1 (directional CLIP + L1 on "
                    + edit.spec().images() + "); inverted with the reconstruction rectifier, regenerated with the "
                    + "edit's. Inputs may be training images; docs/EVALUATION.md scores the edits on test faces.");
            report.params(params(e, edit, steps));
            try (PointerScope ignored = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                List<RgbImage> out = ImageTensors.fromBatch(edit.apply(ImageTensors.toTensor(faces), steps,
                        LoopHooks.NONE));
                for (int i = 0; i < faces.size(); i++) {
                    report.images(List.of(faces.get(i), out.get(i)), List.of(names.get(i), "\"" + edit.spec().target()
                            + "\""), 3);
                }
            }
        }
    }

    private static Map<String, Object> params(ModelStore.Entry e, RectifierEdit edit, int steps) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("edit", "models/effects/" + e.name());
        params.put("source", edit.spec().source());
        params.put("target", edit.spec().target());
        params.put("steps", steps);
        return params;
    }

    /** A skin-tone edit on the fewshot section's held-out people, beside their real dark-tone emoji. */
    private void skinTone(HtmlReport report, ModelStore.Entry e, RectifierEdit edit, int size, int steps,
                          boolean quick) {
        report.section(title() + ": edit " + e.name(), "Trained by Algorithm 1 (directional CLIP + L1 on "
                + edit.spec().images() + ": the train split's yellow people and hands that have skin tones); "
                + "applied to held-out people from the test split: input, edit, the real dark-tone emoji. "
                + "docs/EVALUATION.md scores it against the real tones.");
        report.params(params(e, edit, steps));
        List<String> names = quick ? FewshotDemo.HELD_OUT.subList(0, 1) : FewshotDemo.HELD_OUT;
        List<RgbImage> before = new ArrayList<>();
        List<RgbImage> after = new ArrayList<>();
        for (String n : names) {
            before.add(Resize.square(DemoInputs.image("fewshot/before/" + n), size));
            after.add(Resize.square(DemoInputs.image("fewshot/after/" + n), size));
        }
        try (PointerScope ignored = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            List<RgbImage> out = ImageTensors.fromBatch(edit.apply(ImageTensors.toTensor(before), steps,
                    LoopHooks.NONE));
            for (int i = 0; i < names.size(); i++) {
                report.images(List.of(before.get(i), out.get(i), after.get(i)), List.of(names.get(i),
                        "\"" + edit.spec().target() + "\"", "real dark tone"), 3);
            }
        }
    }
}
