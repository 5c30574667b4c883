package dev.retouch.eval.demo;

import dev.retouch.eval.report.HtmlReport;


import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.edit.fewshot.Effect;
import dev.retouch.edit.fewshot.FewshotRequest;
import dev.retouch.edit.fewshot.FewshotResult;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demo of fewshot (paper 000): the shipped skin-tone effect's training pairs, then held-out emoji (bundled test-split
 * pairs the effect never saw) with the edit and the real skin-tone variant as ground truth.
 */
final class FewshotDemo implements DemoSection {
    static final String EFFECT = "effects/skin-tone-5";
    static final List<String> HELD_OUT = List.of("1f3c3-200d-27a1-fe0f.png", "1f487-200d-2642-fe0f.png",
            "1f6b6-200d-2642-fe0f-200d-27a1-fe0f.png");
    private static final int SHOWN_PAIRS = 6;

    @Override
    public String title() {
        return "fewshot (paper 000)";
    }

    @Override
    public void run(Context ctx, HtmlReport report, List<Path> inputs, long seed, boolean quick) {
        Path dir = ctx.root().resolve(EFFECT);
        if (!Files.isDirectory(dir)) {
            report.section(title(), "not shipped yet: models/" + EFFECT + " is missing.");
            return;
        }
        Effect effect = Effect.load(dir);
        List<ImagePair> pairs = effect.pairs();
        report.section(title(), "An effect learned from " + pairs.size() + " before/after pairs (default yellow → "
                + "dark skin tone), trained from scratch. The first " + Math.min(SHOWN_PAIRS, pairs.size())
                + " training pairs:");
        List<RgbImage> shown = new ArrayList<>();
        List<String> caps = new ArrayList<>();
        for (ImagePair p : pairs.subList(0, Math.min(SHOWN_PAIRS, pairs.size()))) {
            shown.add(p.before());
            shown.add(p.after());
            caps.add(p.name() + " before");
            caps.add("after");
        }
        report.images(shown, caps, 3);

        Map<String, Object> params = new LinkedHashMap<>();
        params.put("effect", "models/" + EFFECT);
        params.put("variant", effect.config().variant().label());
        params.put("seed", seed);
        report.section("fewshot on held-out emoji", "Inputs from the test split (never in training): input, "
                + "the learned edit, and the real dark-tone emoji.");
        report.params(params);
        List<List<Object>> rows = new ArrayList<>();
        for (String name : quick ? HELD_OUT.subList(0, 1) : HELD_OUT) {
            RgbImage before = resource("before/" + name);
            RgbImage after = resource("after/" + name);
            FewshotResult r = effect.edit(new FewshotRequest(before, seed, null));
            report.images(List.of(before, r.image(), after), List.of(name, "edited", "ground truth"), 3);
            rows.add(List.of(name, Metrics.psnr(after, r.image(), 1.0), Metrics.ssim(after, r.image(), 1.0),
                    r.seconds()));
        }
        report.table(List.of("input", "PSNR dB", "SSIM", "seconds"), rows);
    }

    private static RgbImage resource(String name) {
        return DemoInputs.image("fewshot/" + name);
    }
}
