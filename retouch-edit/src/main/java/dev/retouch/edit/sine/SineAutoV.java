package dev.retouch.edit.sine;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.schedule.Scheduler;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * SINE with v chosen per image: our extension, not the paper's method (the paper fixes v and K). Where a fixed (K, v)
 * lands between the source and the prompt differs from image to image (docs/EVALUATION.md, SINE: the setting that
 * keeps validation faces and still edits them loses the edit on a fox or a pig). This samples the pretrained model's
 * own drawing of the prompt (v = 1) and then K = 0 with v = {@link #CANDIDATES} in order, and keeps the first output
 * that the base model's CLIP scores at least as high with the prompt as that drawing: as much of the source as the
 * prompt leaves room for, by the model's own reading. The base's CLIP conditions the model, so it steers here and
 * never judges; it needs a vision tower (a Stable Diffusion text encoder alone has none: one clear error).
 */
public final class SineAutoV {
    /** The v tried at K = 0, lowest (most of the source) first. */
    public static final double[] CANDIDATES = {0.7, 0.8, 0.85, 0.9, 0.95};
    /** The step threshold of every candidate: the fine-tuned model takes part in every step. */
    public static final int K = 0;

    private SineAutoV() {
    }

    /**
     * The chosen output and how it was chosen.
     *
     * @param image  the output (1, 3, height, width) in [−1, 1]
     * @param v      the chosen v; 1 when no candidate scored as high as the pretrained model's drawing
     * @param tried  the v sampled, in order (1 first)
     * @param scores the CLIP score of each tried output with the prompt, in the same order
     */
    public record Result(Tensor image, double v, double[] tried, double[] scores) {
    }

    /**
     * Samples as described above; every sample starts from the same noise ({@code seed}), so the output equals
     * {@link SineSampling#edit} at the chosen v and K = 0 (or at v = 1). {@code r}'s v and K are not used.
     *
     * @param schedulers a fresh sampler per sample (multistep samplers keep state)
     */
    public static Result edit(LatentDiffusion base, SineModel tuned, SineRequest r, Supplier<Scheduler> schedulers,
                              long seed, LoopHooks hooks, Consumer<String> warnings) {
        SineSampling.check(base, r);
        Clip clip = base.clip();
        clip.imageEncoder(); // a text encoder alone: its own clear error before any sampling
        List<Double> tried = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        Tensor reference = sample(base, tuned, r.with(1.0, K), schedulers, seed, hooks, warnings);
        double floor = score(clip, reference, r.prompt());
        tried.add(1.0);
        scores.add(floor);
        Tensor chosen = reference;
        double v = 1.0;
        for (double candidate : CANDIDATES) {
            Tensor x = sample(base, tuned, r.with(candidate, K), schedulers, seed, hooks, warnings);
            double s = score(clip, x, r.prompt());
            tried.add(candidate);
            scores.add(s);
            if (s >= floor) {
                chosen = x;
                v = candidate;
                break;
            }
        }
        return new Result(chosen, v, tried.stream().mapToDouble(Double::doubleValue).toArray(),
                scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private static Tensor sample(LatentDiffusion base, SineModel tuned, SineRequest r, Supplier<Scheduler> schedulers,
                                 long seed, LoopHooks hooks, Consumer<String> warnings) {
        Generator gen = Tensors.generator(seed);
        try {
            return SineSampling.edit(base, tuned, r, schedulers.get(), gen, hooks, warnings);
        } finally {
            Tensors.release(gen);
        }
    }

    /** The CLIP cosine of the output with the prompt, the output resized to the vision tower's square input. */
    static double score(Clip clip, Tensor image, String prompt) {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            RgbImage img = ImageTensors.fromTensor(image);
            int side = clip.model().config().vision().imageSize();
            Tensor x = ImageTensors.toTensor(List.of(Resize.square(img, side)));
            return clip.score(x, clip.tokenize(List.of(prompt)).ids()).item_double();
        }
    }
}
