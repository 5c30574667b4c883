package dev.retouch.eval.edit;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.LatentPipelines;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.pipeline.PromptStates;
import dev.retouch.eval.judge.EmojiJudge;
import dev.retouch.eval.judge.JudgeScores;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Does a noise-and-denoise edit keep what the image shows? SDEdit on a pixel model (Meng et al. 2022) or img2img on
 * a latent model with the image's own caption as the prompt, at one strength, read by the evaluation-only judge:
 * the share of outputs whose judge top-1 subcategory equals the judge's top-1 for the input (the subject kept), the
 * share whose top-1 is the image's true subcategory (against the same share for the inputs), and PSNR / SSIM to the
 * input. A model that cannot denoise its own domain turns the input into something else at strength 0.5.
 */
public final class SubjectKept {
    private SubjectKept() {
    }

    /**
     * @param strength how far into the noise (0 = none, 1 = pure noise)
     * @param steps    DDIM steps of a full run (the edit runs the last ⌊steps·strength⌋)
     * @param guidance classifier-free guidance scale (latent models only)
     */
    public record Config(double strength, int steps, double guidance, long seed) {
        public Config {
            if (!(strength > 0 && strength <= 1) || steps < 1 || !(guidance >= 1)) {
                throw new IllegalArgumentException("need 0 < strength <= 1, steps >= 1, guidance >= 1; got "
                        + strength + ", " + steps + ", " + guidance);
            }
        }
    }

    /** Per-image outcome: judge top-1 of input and output, and the image's true subcategory (judge index). */
    public record Item(int inputTop1, int outputTop1, int truth, double psnr, double ssim) {
        public boolean kept() {
            return inputTop1 == outputTop1;
        }
    }

    /** The outcome over all images; {@code outputs} (B, 3, H, W) in [−1, 1] for the report's pictures. */
    public record Report(List<Item> items, Tensor outputs, double seconds) {
        public double keptShare() {
            return items.stream().filter(Item::kept).count() / (double) items.size();
        }

        public double outputTruthShare() {
            return items.stream().filter(i -> i.outputTop1() == i.truth()).count() / (double) items.size();
        }

        public double inputTruthShare() {
            return items.stream().filter(i -> i.inputTop1() == i.truth()).count() / (double) items.size();
        }

        public double meanPsnr() {
            return items.stream().mapToDouble(Item::psnr).average().orElse(Double.NaN);
        }

        public double meanSsim() {
            return items.stream().mapToDouble(Item::ssim).average().orElse(Double.NaN);
        }
    }

    /** SDEdit of {@code images} (B, 3, s, s) in [−1, 1] with a pixel model; {@code truth} judge class per image. */
    public static Report pixel(PixelDiffusionModel model, Tensor images, int[] truth, EmojiJudge judge, Config c,
                               StepListener progress) {
        return run(images, truth, judge, progress, (part, offset) -> PixelPipelines.sdedit(model, part, c.strength(),
                c.steps(), Tensors.generator(c.seed() + offset), LoopHooks.NONE));
    }

    /** img2img of {@code images} with a latent model, each image prompted with its own caption. */
    public static Report latent(LatentDiffusion ld, Tensor images, List<String> captions, int[] truth,
                                EmojiJudge judge, Config c, Consumer<String> warnings, StepListener progress) {
        return run(images, truth, judge, progress, (part, offset) -> {
            List<String> prompts = captions.subList(offset, offset + (int) part.size(0));
            PromptStates states = PromptStates.encode(ld, prompts, "", warnings);
            return LatentPipelines.img2img(ld, part, states, c.guidance(), c.strength(), c.steps(),
                    Tensors.generator(c.seed() + offset), LoopHooks.NONE).clamp(
                    new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-1)),
                    new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1)));
        });
    }

    private interface Edit {
        Tensor apply(Tensor part, int offset);
    }

    private static final int BATCH = 16;

    private static Report run(Tensor images, int[] truth, EmojiJudge judge, StepListener progress, Edit edit) {
        int n = (int) images.size(0);
        if (truth.length != n) {
            throw new IllegalArgumentException(n + " images but " + truth.length + " labels");
        }
        long t0 = System.nanoTime();
        List<Tensor> parts = new ArrayList<>();
        for (int i = 0; i < n; i += BATCH) {
            int b = Math.min(BATCH, n - i);
            try (PointerScope scope = new PointerScope(); NoGradGuard ignored = new NoGradGuard()) {
                parts.add(Tensors.keep(edit.apply(images.narrow(0, i, b), i)));
            }
            progress.onStep(i + b, n, Double.NaN);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        Tensor outputs = Tensors.cat(0, parts.toArray(new Tensor[0]));
        JudgeScores in = JudgeScores.of(judge, images, s -> { });
        JudgeScores out = JudgeScores.of(judge, outputs, s -> { });
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            var a = ImageTensors.fromTensor(images.narrow(0, i, 1));
            var b = ImageTensors.fromTensor(outputs.narrow(0, i, 1));
            items.add(new Item(in.top1(i), out.top1(i), truth[i], Metrics.psnr(a, b, 1.0), Metrics.ssim(a, b, 1.0)));
        }
        return new Report(List.copyOf(items), outputs, seconds);
    }
}
