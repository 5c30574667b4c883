package dev.retouch.cli;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.FrechetDistance;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.clip.ClipRetrieval;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.LatentDiffusionModel;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.core.progress.Progress;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** {@code retouch eval ldm}: text-to-image quality on held-out captions, in emoji-clip space. */
@Command(name = "ldm", mixinStandardHelpOptions = true,
        description = "Generate one image for each of --limit distinct test-split captions (emojis never seen in "
                + "training) and report: the mean emoji-clip score (image–caption cosine) of the generated images "
                + "vs that of the real test images with their own captions, and the Fréchet distance in emoji-clip "
                + "image-feature space between the generated images and all real test images. The same numbers for "
                + "the untrained model (same structure, initial weights) are the floor.",
        footer = {"", "Example:", "  bin/retouch eval ldm --model emoji-ldm --limit 128 --out out/eval-ldm"})
final class EvalLdmCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--model", defaultValue = "emoji-ldm", description = "Latent text-to-image model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--limit", defaultValue = "128", description = "Distinct test captions to generate for (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--steps", defaultValue = "25", description = "Sampler steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--guidance", defaultValue = "5", description = "Classifier-free guidance scale (default: ${DEFAULT-VALUE}).")
    double guidance;

    @Option(names = "--sampler", defaultValue = "dpmpp-2m", converter = SampleCommand.SamplerName.class,
            description = "Sampler (default: ${DEFAULT-VALUE}).")
    SamplerKind sampler;

    @Option(names = "--seed", defaultValue = "0", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-floor", description = "Skip the untrained-model floor.")
    boolean noFloor;

    @Option(names = "--out", required = true, description = "Report directory (report.json, report.html).")
    Path out;

    /** Scores of one set of generated images. */
    record Scores(double clipScore, double frechet) {
    }

    @Override
    public void run() {
        common.apply();
        CliSupport.requireRange("--limit", limit, 2, 100_000);
        CliSupport.requireRange("--guidance", guidance, 0, 100);
        LatentDiffusion ld = CliSupport.latentModel(model);
        CliSupport.requireRange("--steps", steps, 1, ld.schedule().numTrainTimesteps());
        CliSupport.mkdirs(out);
        EmojiDataset dataset = EmojiDataset.load();
        List<String> testCaptions = TrainClipCommand.captions(dataset, Split.TEST);
        List<String> prompts = new ArrayList<>(new LinkedHashSet<>(testCaptions));
        prompts = prompts.subList(0, Math.min(limit, prompts.size()));
        Clip clip = ld.clip();
        Tensor real = EmojiData.tensor(dataset, ld.imageSize(), Split.TEST);
        double realScore;
        double[][] realFeatures;
        try (InferenceMode guard = new InferenceMode()) {
            realScore = meanScore(clip, real, testCaptions);
            realFeatures = ClipFeatures.rows(ClipRetrieval.features(clip.model(), real, 128, true));
        }
        HtmlReport html = new HtmlReport(out, "emoji-ldm text-to-image on held-out captions");
        Scores trained = evaluate(ld, prompts, realFeatures, html, "trained");
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("model", model);
        report.put("captions", prompts.size());
        report.put("real_images", real.size(0));
        report.put("sampler", sampler.id());
        report.put("steps", steps);
        report.put("guidance", guidance);
        report.put("seed", seed);
        report.put("real_clip_score", realScore);
        report.put("clip_score", trained.clipScore());
        report.put("frechet_distance", trained.frechet());
        List<List<Object>> table = new ArrayList<>();
        table.add(List.of("real test images", realScore, 0.0));
        table.add(List.of(model, trained.clipScore(), trained.frechet()));
        if (!noFloor) {
            LatentDiffusionModel untrained = LatentDiffusionModel.create(ld.model().config(), seed);
            Scores floor = evaluate(LatentDiffusion.of(untrained, ld.vae(), clip), prompts, realFeatures, html,
                    "untrained");
            report.put("untrained_clip_score", floor.clipScore());
            report.put("untrained_frechet_distance", floor.frechet());
            table.add(List.of("untrained (floor)", floor.clipScore(), floor.frechet()));
        }
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        html.section("Summary", prompts.size() + " held-out captions; emoji-clip score = mean image–caption cosine; "
                + "FD = Fréchet distance of emoji-clip image features to the " + real.size(0) + " real test images.");
        html.table(List.of("images", "emoji-clip score", "FD (emoji-clip)"), table);
        html.write();
        CliSupport.print(common, report);
    }

    private Scores evaluate(LatentDiffusion ld, List<String> prompts, double[][] realFeatures, HtmlReport html,
                            String label) {
        List<Tensor> images = new ArrayList<>();
        Progress bar = Progress.stderr("generate (" + label + ")", prompts.size());
        int batch = 16;
        for (int i = 0; i < prompts.size(); i += batch) {
            List<String> chunk = prompts.subList(i, Math.min(prompts.size(), i + batch));
            try (PointerScope scope = new PointerScope()) {
                PromptStates states = PromptStates.encode(ld, chunk, "", CliSupport::warn);
                Tensor x = LatentPipelines.generate(ld, states, guidance, 1, sampler.create(ld.schedule(), steps, 0.0),
                        Tensors.generator(seed + i), LoopHooks.NONE);
                images.add(Tensors.keep(x));
            }
            bar.onStep(Math.min(prompts.size(), i + batch), prompts.size(), Double.NaN);
        }
        Tensor generated = Tensors.cat(0, images.toArray(new Tensor[0]));
        try (InferenceMode guard = new InferenceMode()) {
            double score = meanScore(ld.clip(), generated, prompts);
            double fd = FrechetDistance.of(ClipFeatures.rows(ClipRetrieval.features(ld.clip().model(), generated, 128, true)),
                    realFeatures);
            List<RgbImage> shown = ImageTensors.fromBatch(generated.narrow(0, 0, Math.min(24, generated.size(0))));
            html.section("Generated (" + label + ")", "First " + shown.size() + " captions, seed " + seed + ".");
            html.images(shown, prompts.subList(0, shown.size()), 3);
            return new Scores(score, fd);
        }
    }

    /** Mean cosine of image i with caption i. */
    private static double meanScore(Clip clip, Tensor images, List<String> captions) {
        Tensor ids = clip.tokenize(captions).ids();
        Tensor img = ClipModel.normalize(ClipRetrieval.features(clip.model(), images, 128, true));
        Tensor txt = ClipModel.normalize(ClipRetrieval.features(clip.model(), ids, 128, false));
        return img.mul(txt).sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()).mean().item_double();
    }
}
