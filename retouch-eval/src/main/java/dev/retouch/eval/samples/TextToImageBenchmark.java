package dev.retouch.eval.samples;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.AtomicFiles;
import dev.retouch.core.io.Json;
import dev.retouch.core.metrics.FrechetDistance;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.LatentDiffusionModel;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.edit.ModelStore;
import dev.retouch.eval.clip.ClipScorer;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import dev.retouch.eval.judge.JudgeView;
import dev.retouch.eval.report.HtmlReport;
import dev.retouch.eval.report.Reports;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Text-to-image on held-out captions: one image for each of {@code limit} distinct captions of a held-out split
 * (test, or validation for choosing sampling settings; emoji the model never saw), or for each of {@code limit} of its
 * real images with their captions ({@link Config#perImage}), read by the evaluation-only judge (its top-1 subcategory
 * against the caption's emoji's, and judge-FD to the real images of that split) and described by emoji-clip (which
 * conditions the model: mean image·caption score and emoji-clip FD). Optionally the same for the untrained model of the same structure (the floor).
 * Writes {@code report.json} and {@code index.html}.
 */
public final class TextToImageBenchmark {
    private TextToImageBenchmark() {
    }

    /**
     * @param limit distinct captions in [2, 100000]
     * @param floor also run the untrained model (seeded with {@code seed})
     * @param split the held-out split whose captions and images are used: {@link Split#TEST} (the reported number)
     *              or {@link Split#VALIDATION} (for choosing settings without looking at the test split)
     * @param perImage one image per real image of the split, with its caption ({@code limit} of them evenly spaced,
     *              repeats kept: the generated set has the split's caption distribution, as the train-vs-split floor
     *              does), instead of one per distinct caption (the first {@code limit})
     */
    public record Config(String model, String judge, int limit, int steps, double guidance, SamplerKind sampler,
                         long seed, boolean floor, Split split, boolean perImage) {
        public Config {
            if (split == Split.TRAIN) {
                throw new RetouchException("split must be validation or test (the model was trained on train)");
            }
            if (limit < 2 || limit > 100_000) {
                throw new RetouchException("limit must be in [2, 100000], got " + limit);
            }
            if (!(guidance >= 0 && guidance <= 100)) {
                throw new RetouchException("guidance must be in [0, 100], got " + guidance);
            }
            if (steps < 1) {
                throw new RetouchException("steps must be >= 1, got " + steps);
            }
        }
    }

    /** Scores of one set of generated images (emoji-clip: descriptive; judge: the verdict). */
    public record Scores(double clipScore, double frechet, double judgeTop1, double judgeFd) {
    }

    /**
     * @param untrained the floor's scores, or null when not run
     */
    public record Result(Config config, int captions, long realImages, double realClipScore, double realJudgeTop1,
                         double realOnePerCaptionJudgeFd, Scores trained, double judgeFdFloorSameCount,
                         Scores untrained) {
        /** The report's fields, in the order of {@code report.json}. */
        public Map<String, Object> fields() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", config.model());
            f.put("split", config.split().name().toLowerCase(java.util.Locale.ROOT));
            f.put("sampling", config.perImage() ? "per image" : "per distinct caption");
            f.put("captions", captions);
            f.put("real_images", realImages);
            f.put("sampler", config.sampler().id());
            f.put("steps", config.steps());
            f.put("guidance", config.guidance());
            f.put("seed", config.seed());
            f.put("real_clip_score", realClipScore);
            f.put("clip_score", trained.clipScore());
            f.put("frechet_distance", trained.frechet());
            f.put("judge", config.judge());
            f.put("real_judge_top1", realJudgeTop1);
            f.put("judge_top1", trained.judgeTop1());
            f.put("judge_fd", trained.judgeFd());
            f.put("judge_fd_floor_same_count", judgeFdFloorSameCount);
            f.put("real_one_per_caption_judge_fd", realOnePerCaptionJudgeFd);
            if (untrained != null) {
                f.put("untrained_clip_score", untrained.clipScore());
                f.put("untrained_frechet_distance", untrained.frechet());
                f.put("untrained_judge_top1", untrained.judgeTop1());
                f.put("untrained_judge_fd", untrained.judgeFd());
            }
            return f;
        }
    }

    /** Runs the benchmark and writes its report into {@code out}; {@code progress} gives a listener per model. */
    public static Result run(ModelStore store, EmojiDataset ds, Config c, Path out,
                             Function<String, StepListener> progress, Consumer<String> warnings) {
        LatentDiffusion ld = store.latent(c.model());
        if (c.steps() > ld.schedule().numTrainTimesteps()) {
            throw new RetouchException("steps must be in [1, " + ld.schedule().numTrainTimesteps() + "], got "
                    + c.steps());
        }
        EmojiJudge judge = EmojiJudge.fromStore(store, c.judge());
        Reports.directory(out);
        Split split = c.split();
        List<String> heldOutCaptions = ds.captions(split);
        List<EmojiImage> chosen = c.perImage() ? evenlySpaced(ds.images(split), c.limit())
                : new ArrayList<>(new LinkedHashSet<>(heldOutCaptions)).stream().limit(c.limit())
                .map(p -> firstWithCaption(ds, split, p)).toList();
        List<String> prompts = chosen.stream().map(EmojiImage::caption).toList();
        ClipScorer clip = new ClipScorer(ld.clip());
        Tensor real = ds.tensor(ds.images(split), ld.imageSize());
        double realScore;
        double[][] realFeatures;
        try (InferenceMode guard = new InferenceMode()) {
            realScore = clip.meanScore(real, heldOutCaptions);
            realFeatures = clip.features(real);
        }
        long[] promptClasses = promptClasses(chosen, judge);
        JudgeScores realJudged = RealReadings.of(judge, ds, split, ld.imageSize());
        JudgeScores realPerCaption = JudgeScores.of(judge, ds.tensor(chosen, 64), n -> { });
        double realJudgeTop1 = realPerCaption.topK(promptClasses, 1);
        // what a generator drawing exactly each prompt's real emoji would score: one image per distinct caption is
        // not distributed like the split's images (variants such as skin tones repeat captions there); per image it is
        double realPerCaptionFd = realPerCaption.frechetDistance(realJudged);
        String splitName = split.name().toLowerCase(java.util.Locale.ROOT);
        HtmlReport html = new HtmlReport(out, "emoji-ldm text-to-image on held-out captions (" + splitName
                + " split)");
        html.judge(new JudgeView(judge));
        Run run = new Run(c, prompts, promptClasses, realFeatures, realJudged, judge, html, warnings);
        Scores trained = run.evaluate(ld, "trained", progress.apply("trained"));
        double floorSameCount = RealReadings.of(judge, ds, Split.TRAIN, ld.imageSize()).subset(prompts.size())
                .frechetDistance(realJudged);
        Scores untrained = null;
        List<List<Object>> table = new ArrayList<>();
        table.add(List.of("real " + splitName + " images (one per caption)", realScore, 0.0, realJudgeTop1,
                realPerCaptionFd));
        table.add(List.of(c.model(), trained.clipScore(), trained.frechet(), trained.judgeTop1(), trained.judgeFd()));
        if (c.floor()) {
            LatentDiffusionModel fresh = LatentDiffusionModel.create(ld.model().config(), c.seed());
            untrained = run.evaluate(LatentDiffusion.of(fresh, ld.vae(), ld.clip()), "untrained",
                    progress.apply("untrained"));
            table.add(List.of("untrained (floor)", untrained.clipScore(), untrained.frechet(), untrained.judgeTop1(),
                    untrained.judgeFd()));
        }
        Result r = new Result(c, prompts.size(), real.size(0), realScore, realJudgeTop1, realPerCaptionFd, trained,
                floorSameCount, untrained);
        AtomicFiles.writeString(out.resolve("report.json"), Json.toJson(r.fields()));
        html.section("Summary", prompts.size() + (c.perImage() ? " held-out captions, one per real image (repeats "
                + "kept)," : " distinct held-out captions") + " of the " + splitName + " split; emoji-clip "
                + "score = mean image–caption cosine; FD = Fréchet distance of emoji-clip image features to the "
                + real.size(0) + " real " + splitName + " images. "
                + "emoji-clip conditions the model, so its two columns are not an independent judgement; the judge "
                + "columns are (emoji-judge, evaluation-only): share of images whose judge top-1 subcategory is the "
                + "caption's emoji's, and judge-FD to the real " + splitName + " images.");
        html.table(List.of("images", "emoji-clip score (conditions the model)", "FD (emoji-clip)",
                "judge top-1 = caption's subcategory", "judge-FD"), table);
        html.write();
        return r;
    }

    /** What every model's run shares: the prompts, their judge classes, the real set's readings, the report. */
    private record Run(Config c, List<String> prompts, long[] promptClasses, double[][] realFeatures,
                       JudgeScores realJudged, EmojiJudge judge, HtmlReport html, Consumer<String> warnings) {
        Scores evaluate(LatentDiffusion ld, String label, StepListener bar) {
            List<Tensor> images = new ArrayList<>();
            int batch = 16;
            for (int i = 0; i < prompts.size(); i += batch) {
                List<String> chunk = prompts.subList(i, Math.min(prompts.size(), i + batch));
                try (PointerScope scope = new PointerScope()) {
                    PromptStates states = PromptStates.encode(ld, chunk, "", warnings);
                    Tensor x = LatentPipelines.generate(ld, states, c.guidance(), 1,
                            c.sampler().create(ld.schedule(), c.steps(), 0.0), Tensors.generator(c.seed() + i),
                            LoopHooks.NONE);
                    images.add(Tensors.keep(x));
                }
                bar.onStep(Math.min(prompts.size(), i + batch), prompts.size(), Double.NaN);
            }
            Tensor generated = Tensors.cat(0, images.toArray(new Tensor[0]));
            try (InferenceMode guard = new InferenceMode()) {
                ClipScorer clip = new ClipScorer(ld.clip());
                double score = clip.meanScore(generated, prompts);
                double fd = FrechetDistance.of(clip.features(generated), realFeatures);
                JudgeScores judged = JudgeScores.of(judge, generated, n -> { });
                List<RgbImage> shown = ImageTensors.fromBatch(generated.narrow(0, 0, Math.min(24, generated.size(0))));
                html.section("Generated (" + label + ")", "First " + shown.size() + " captions, seed " + c.seed()
                        + ".");
                html.images(shown, prompts.subList(0, shown.size()), 3);
                return new Scores(score, fd, judged.topK(promptClasses, 1), judged.frechetDistance(realJudged));
            }
        }
    }

    /** The judge's class index of each chosen image's emoji; −1: none. */
    private static long[] promptClasses(List<EmojiImage> chosen, EmojiJudge judge) {
        List<String> subs = judge.config().subcategories();
        long[] out = new long[chosen.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = subs.indexOf(chosen.get(i).base().subcategory());
        }
        return out;
    }

    /** {@code n} of {@code images} evenly spaced (all of them when n ≥ their count), in order. */
    static List<EmojiImage> evenlySpaced(List<EmojiImage> images, int n) {
        if (n >= images.size()) {
            return images;
        }
        List<EmojiImage> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(images.get((int) ((long) i * images.size() / n)));
        }
        return out;
    }

    private static EmojiImage firstWithCaption(EmojiDataset ds, Split split, String caption) {
        return ds.images(split).stream().filter(e -> e.caption().equals(caption)).findFirst().orElseThrow();
    }
}
