package dev.retouch.cli;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.FrechetDistance;
import dev.retouch.core.progress.Progress;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipRetrieval;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.LatentDiffusionModel;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.eval.clip.ClipScorer;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import dev.retouch.eval.report.HtmlReport;
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
                + "training) and report, by emoji-judge (evaluation-only): the share of generated images whose judge "
                + "top-1 subcategory is the caption's emoji's (against the same share for the real images) and the "
                + "judge-FD to the real test images; and by emoji-clip (which conditions the model): the mean emoji-clip score (image–caption cosine) of the generated images "
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

    @Option(names = "--out", required = true, description = "Report directory (report.json, index.html).")
    Path out;

    @Option(names = "--judge", defaultValue = "emoji-judge", description = "Evaluation-only judge (default: ${DEFAULT-VALUE}).")
    String judgeName;

    /**
     * Scores of one set of generated images: by emoji-clip (the text encoder that conditions the model: not an
     * independent judge) and by emoji-judge (evaluation-only): its top-1 subcategory against the caption's emoji's,
     * and judge-FD to the real test images.
     */
    record Scores(double clipScore, double frechet, double judgeTop1, double judgeFd) {
    }

    private EmojiJudge judge;
    private long[] promptClasses;
    private JudgeScores realJudged;

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
            realScore = new ClipScorer(clip).meanScore(real, testCaptions);
            realFeatures = ClipFeatures.rows(ClipRetrieval.features(clip.model(), real, 128, true));
        }
        judge = EmojiJudge.load(Models.resolve(judgeName));
        promptClasses = promptClasses(dataset, prompts, judge);
        realJudged = JudgeScores.of(judge, real, CliSupport::warn);
        JudgeScores realOfPrompts = JudgeScores.of(judge, realOfPrompts(dataset, prompts), n -> { });
        double realJudgeTop1 = realOfPrompts.topK(promptClasses, 1);
        HtmlReport html = new HtmlReport(out, "emoji-ldm text-to-image on held-out captions");
        html.judge(new dev.retouch.eval.judge.JudgeView(judge));
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
        report.put("judge", judgeName);
        report.put("real_judge_top1", realJudgeTop1);
        report.put("judge_top1", trained.judgeTop1());
        report.put("judge_fd", trained.judgeFd());
        report.put("judge_fd_floor_same_count", JudgeScores.of(judge, EmojiData.tensor(dataset, ld.imageSize(),
                Split.TRAIN), n -> { }).subset(prompts.size()).frechetDistance(realJudged));
        List<List<Object>> table = new ArrayList<>();
        table.add(List.of("real test images (one per caption)", realScore, 0.0, realJudgeTop1, 0.0));
        table.add(List.of(model, trained.clipScore(), trained.frechet(), trained.judgeTop1(), trained.judgeFd()));
        if (!noFloor) {
            LatentDiffusionModel untrained = LatentDiffusionModel.create(ld.model().config(), seed);
            Scores floor = evaluate(LatentDiffusion.of(untrained, ld.vae(), clip), prompts, realFeatures, html,
                    "untrained");
            report.put("untrained_clip_score", floor.clipScore());
            report.put("untrained_frechet_distance", floor.frechet());
            report.put("untrained_judge_top1", floor.judgeTop1());
            report.put("untrained_judge_fd", floor.judgeFd());
            table.add(List.of("untrained (floor)", floor.clipScore(), floor.frechet(), floor.judgeTop1(), floor.judgeFd()));
        }
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(report));
        html.section("Summary", prompts.size() + " held-out captions; emoji-clip score = mean image–caption cosine; "
                + "FD = Fréchet distance of emoji-clip image features to the " + real.size(0) + " real test images. "
                + "emoji-clip conditions the model, so its two columns are not an independent judgement; the judge "
                + "columns are (emoji-judge, evaluation-only): share of images whose judge top-1 subcategory is the "
                + "caption's emoji's, and judge-FD to the real test images.");
        html.table(List.of("images", "emoji-clip score (conditions the model)", "FD (emoji-clip)",
                "judge top-1 = caption's subcategory", "judge-FD"), table);
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
            double score = new ClipScorer(ld.clip()).meanScore(generated, prompts);
            double fd = FrechetDistance.of(ClipFeatures.rows(ClipRetrieval.features(ld.clip().model(), generated, 128, true)),
                    realFeatures);
            JudgeScores judged = JudgeScores.of(judge, generated, n -> { });
            List<RgbImage> shown = ImageTensors.fromBatch(generated.narrow(0, 0, Math.min(24, generated.size(0))));
            html.section("Generated (" + label + ")", "First " + shown.size() + " captions, seed " + seed + ".");
            html.images(shown, prompts.subList(0, shown.size()), 3);
            return new Scores(score, fd, judged.topK(promptClasses, 1), judged.frechetDistance(realJudged));
        }
    }

    /** The judge's class index of each prompt's emoji (the first test image with that caption). */
    private static long[] promptClasses(EmojiDataset ds, List<String> prompts, EmojiJudge judge) {
        List<String> subs = judge.config().subcategories();
        long[] out = new long[prompts.size()];
        for (int i = 0; i < out.length; i++) {
            String sub = firstWithCaption(ds, prompts.get(i)).base().subcategory();
            out[i] = subs.indexOf(sub); // −1 (never a hit) when the judge cannot name it
        }
        return out;
    }

    /** The real test image of each prompt, (P, 3, 64, 64) in [−1, 1]. */
    private static Tensor realOfPrompts(EmojiDataset ds, List<String> prompts) {
        return ds.tensor(prompts.stream().map(p -> firstWithCaption(ds, p)).toList(), 64);
    }

    private static dev.retouch.data.emoji.EmojiImage firstWithCaption(EmojiDataset ds, String caption) {
        return ds.images().stream().filter(e -> e.split() == Split.TEST && e.caption().equals(caption)).findFirst()
                .orElseThrow();
    }

    /** Mean cosine of image i with caption i. */
}
