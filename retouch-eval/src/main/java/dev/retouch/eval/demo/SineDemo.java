package dev.retouch.eval.demo;

import dev.retouch.eval.report.HtmlReport;


import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.Progress;
import dev.retouch.core.RetouchException;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.sine.SineAutoV;
import dev.retouch.edit.sine.SineSampling;
import dev.retouch.edit.sine.SineFinetune;
import dev.retouch.edit.sine.SineModel;
import dev.retouch.edit.sine.SineRequest;
import dev.retouch.edit.sine.Variant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Demo of SINE (paper 001): emoji-ldm fine-tuned on the first demo input with patches (the shipped
 * {@code models/sine-demo}; with --quick a 20-step fine-tune run now), then edits with model-based guidance at the
 * model's size and at 96×64. Skipped with a note when emoji-ldm is not shipped.
 */
final class SineDemo implements DemoSection {
    static final String TITLE = "SINE single-image editing (paper 001)";
    static final String AUTO_TITLE = "SINE with v chosen per image (ours, not the paper's)";
    static final List<String> PROMPTS = List.of("smiling face with sunglasses", "crying face");
    /** The shipped SINE fine-tune of the first demo input (see {@link #shippedModel}). */
    static final String SHIPPED = "sine-demo";

    @Override
    public String title() {
        return "sine: single-image fine-tuning and model-based guidance";
    }

    @Override
    public void run(Context ctx, HtmlReport report, List<Path> inputs, long seed, boolean quick) {
        Path root = ctx.root();
        if (!Files.isDirectory(root.resolve(LatentDemo.LDM))) {
            report.section(TITLE, "not shipped yet: models/" + LatentDemo.LDM + " is missing.");
            return;
        }
        LatentDiffusion ld = LatentDiffusion.load(root.resolve(LatentDemo.LDM));
        int steps = quick ? 5 : 25;
        RgbImage src = ctx.imageAt(inputs.get(0), ld.imageSize());
        Path shipped = root.resolve(SHIPPED);
        boolean useShipped = !quick && Files.isDirectory(shipped);
        SineModel model = useShipped ? shippedModel(shipped, root)
                : finetune(ctx, ld, src, quick ? 20 : SineFinetune.DEFAULT_STEPS_PATCHES, seed);
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("input", DemoInputs.NAMES.get(0));
        params.put("class", "face");
        params.put("fine-tune", useShipped ? "models/" + SHIPPED + " (" + model.config().steps() + " steps, made by "
                + "the command in its MODEL_CARD.md)" : model.config().steps() + " steps, run now");
        params.put("v", SineRequest.DEFAULT_V);
        params.put("K", SineRequest.DEFAULT_K);
        params.put("sampler", "ddim " + steps);
        params.put("seed", seed);
        report.section(TITLE, "emoji-ldm fine-tuned on the input with patches and positional embedding, then edited "
                + "from noise with model-based classifier-free guidance, at 64×64 and 96×64.");
        report.params(params);
        List<RgbImage> shown = new ArrayList<>(List.of(src));
        List<String> caps = new ArrayList<>(List.of(DemoInputs.NAMES.get(0)));
        int s = ld.imageSize();
        for (String prompt : PROMPTS) {
            for (int w : new int[]{s, s * 3 / 2}) {
                SineRequest r = new SineRequest(prompt, SineRequest.DEFAULT_V, SineRequest.DEFAULT_K,
                        SineRequest.DEFAULT_GUIDANCE, w / ld.sizeMultiple() * ld.sizeMultiple(), s, true);
                shown.add(ImageTensors.fromTensor(SineSampling.edit(ld, model, r,
                        SamplerKind.DDIM.create(ld.schedule(), steps, 0.0), Tensors.generator(seed), LoopHooks.NONE,
                        ctx::warn)));
                caps.add(prompt + " " + r.width() + "x" + r.height());
            }
        }
        report.images(shown, caps, 3);
        // ours, not the paper's: v chosen per image by the base's CLIP (SineAutoV), at the model's size
        List<RgbImage> auto = new ArrayList<>(List.of(src));
        List<String> autoCaps = new ArrayList<>(List.of(DemoInputs.NAMES.get(0)));
        for (String prompt : PROMPTS) {
            SineRequest r = new SineRequest(prompt, SineRequest.DEFAULT_V, SineRequest.DEFAULT_K,
                    SineRequest.DEFAULT_GUIDANCE, s, s, true);
            try (org.bytedeco.javacpp.PointerScope ignored = new org.bytedeco.javacpp.PointerScope()) {
                SineAutoV.Result a = SineAutoV.edit(ld, model, r, () -> SamplerKind.DDIM.create(ld.schedule(), steps,
                        0.0), seed, LoopHooks.NONE, ctx::warn);
                auto.add(ImageTensors.fromTensor(a.image()));
                autoCaps.add(prompt + ", v per image: " + a.v());
            }
        }
        String candidates = java.util.Arrays.stream(SineAutoV.CANDIDATES).mapToObj(Double::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        report.section(AUTO_TITLE, "The same fine-tune; K = " + SineAutoV.K + " and the lowest v in " + candidates
                + " whose output emoji-ldm's CLIP scores with the prompt at least as high as the pretrained model's own "
                + "drawing of it (edit sine --auto-v).");
        report.images(auto, autoCaps, 3);
    }

    /**
     * The shipped fine-tune of the first demo input (fine-tuning it here took most of the demo's time); it must
     * name the shipped emoji-ldm as its base ({@code ShippedSineDemoTest} also checks that its weights are near that
     * model's, i.e. that it was tuned from the emoji-ldm shipped now).
     */
    private static SineModel shippedModel(Path dir, Path root) {
        SineModel model = SineModel.load(dir);
        Path base = model.config().baseDir(dir).toAbsolutePath().normalize();
        if (!base.equals(root.resolve(LatentDemo.LDM).toAbsolutePath().normalize())) {
            throw new RetouchException(dir + ": its base model is " + base + ", not the shipped "
                    + root.resolve(LatentDemo.LDM));
        }
        return model;
    }

    private static SineModel finetune(Context ctx, LatentDiffusion ld, RgbImage src, int steps, long seed) {
        Path run;
        try {
            run = Files.createTempDirectory("retouch-sine-demo");
        } catch (IOException e) {
            throw new RetouchException("cannot create a temporary directory for the sine demo: " + e.getMessage(), e);
        }
        SineFinetune ft = new SineFinetune(ld, ImageTensors.toTensor(src), "face", Variant.PATCHES, ".",
                SineFinetune.trainConfig(steps, SineFinetune.DEFAULT_BATCH, SineFinetune.DEFAULT_LEARNING_RATE, 0, seed),
                run, ctx::warn);
        ft.trainer().run(Progress.stderr("sine demo fine-tune", steps));
        try (var files = Files.walk(run)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            ctx.warn("could not remove " + run);
        }
        return ft.model();
    }
}
