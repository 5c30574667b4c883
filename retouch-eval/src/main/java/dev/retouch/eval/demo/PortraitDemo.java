package dev.retouch.eval.demo;

import dev.retouch.core.image.RgbImage;
import dev.retouch.edit.ModelStore;
import dev.retouch.edit.portrait.MaskSettings;
import dev.retouch.edit.portrait.PortraitEditRequest;
import dev.retouch.edit.portrait.PortraitEditResult;
import dev.retouch.edit.portrait.PortraitEditor;
import dev.retouch.edit.portrait.PortraitModel;
import dev.retouch.edit.portrait.PortraitTask;
import dev.retouch.eval.report.HtmlReport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demo of portrait editing (paper 003) with every shipped portrait model: man → woman on two bundled real pairs
 * whose man is a test-split emoji (input, edit, the model's mask, the real woman), and the expression model's four
 * targets on the demo faces.
 */
final class PortraitDemo implements DemoSection {
    /** Bundled man → woman pairs (resources /demo/portrait/). */
    static final List<String[]> MAN_WOMAN = List.of(
            new String[]{"1f487-200d-2642-fe0f.png", "1f487-200d-2640-fe0f.png"},
            new String[]{"1f6b6-200d-2642-fe0f-200d-27a1-fe0f.png", "1f6b6-200d-2640-fe0f-200d-27a1-fe0f.png"});

    @Override
    public String title() {
        return "portrait (paper 003)";
    }

    @Override
    public void run(Context ctx, HtmlReport report, List<Path> inputs, long seed, boolean quick) {
        ModelStore store = ctx.store();
        List<ModelStore.Entry> models = store.list().stream().filter(e -> e.kind().equals("portrait")).toList();
        if (models.isEmpty()) {
            report.section(title(), "no portrait model is shipped under models/.");
            return;
        }
        for (ModelStore.Entry e : models) {
            PortraitModel model = store.portrait(e.dir().toString());
            PortraitEditor editor = new PortraitEditor(model);
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("model", "models/" + e.name());
            params.put("scales", PortraitEditRequest.Scales.CODE.toString());
            params.put("mask", MaskSettings.CODE.toString());
            params.put("steps", PortraitEditRequest.DEFAULT_STEPS);
            params.put("seed", seed);
            List<List<Object>> rows = new ArrayList<>();
            if (model.config().task().equals(PortraitTask.MAN_WOMAN_NAME)) {
                report.section(title() + ": " + e.name(), "Trained on generated pairs only. Inputs: men of the test "
                        + "split; the last column is the real woman of the same role, which no model trained on.");
                report.params(params);
                for (String[] pair : quick ? MAN_WOMAN.subList(0, 1) : MAN_WOMAN) {
                    RgbImage man = resource(pair[0]);
                    PortraitEditResult r = editor.edit(new PortraitEditRequest(man, "woman",
                            PortraitEditRequest.Scales.CODE, PortraitEditRequest.DEFAULT_STEPS, MaskSettings.CODE,
                            seed));
                    report.images(List.of(man, r.image(), dev.retouch.eval.edit.PixelguideBenchmark.roiImage(r.mask()), resource(pair[1])),
                            List.of(pair[0], "\"woman\"", "mask", "real woman"), 3);
                    rows.add(List.of(pair[0], "woman", r.seconds()));
                }
            } else {
                report.section(title() + ": " + e.name(), "Trained on generated pairs only; inputs are test-split "
                        + "faces. One column per target prompt; first with the mask (faithful, often faint), then "
                        + "without (stronger edits that redraw the face).");
                report.params(params);
                List<String> targets = quick ? model.config().targets().subList(0, 1) : model.config().targets();
                for (int i = 0; i < inputs.size(); i++) {
                    if (!RectifierDemo.FACES.contains(DemoInputs.NAMES.get(i))) {
                        continue;
                    }
                    RgbImage face = ctx.imageAt(inputs.get(i), model.base().imageSize());
                    for (MaskSettings mask : List.of(MaskSettings.CODE, MaskSettings.OFF)) {
                        List<RgbImage> row = new ArrayList<>(List.of(face));
                        List<String> caps = new ArrayList<>(List.of(DemoInputs.NAMES.get(i)));
                        for (String t : targets) {
                            PortraitEditResult r = editor.edit(new PortraitEditRequest(face, t,
                                    PortraitEditRequest.Scales.CODE, PortraitEditRequest.DEFAULT_STEPS, mask, seed));
                            row.add(r.image());
                            caps.add("\"" + t + "\"" + (mask == MaskSettings.OFF ? ", no mask" : ""));
                            rows.add(List.of(DemoInputs.NAMES.get(i), t + (mask == MaskSettings.OFF ? " (no mask)" : ""),
                                    r.seconds()));
                        }
                        report.images(row, caps, 3);
                    }
                    if (quick) {
                        break;
                    }
                }
            }
            report.table(List.of("input", "target", "seconds"), rows);
        }
    }

    private static RgbImage resource(String name) {
        return DemoInputs.image("portrait/" + name);
    }
}
