package dev.retouch.edit.portrait;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.DenoiseLoop;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.RegionalDenoiser;
import dev.retouch.diffusion.schedule.SamplerKind;
import dev.retouch.diffusion.schedule.Scheduler;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * Paper 003's pair generation (§3.2, Eq. 2): one denoising pass over a canvas of two panels side by side, the
 * prediction composed from the shared prompt over the whole canvas (weight s'_d) and the source and target prompts
 * masked to the left and right halves (s'_a, s'_b), each a classifier-free guidance result; the decoded canvas is
 * split into (source, target). The paper's identity encoder and pose ControlNet have no counterpart here: the
 * two-panel model's shared prompt and the canvas's self-attention carry the identity.
 */
public final class PairGeneration {
    /**
     * Generation settings.
     *
     * @param sharedWeight s'_d (paper: 0.1)
     * @param sideWeight   s'_a = s'_b (paper: 0.9)
     * @param guidance     the classifier-free guidance scale of every branch
     * @param steps        sampler steps
     * @param sampler      the sampler
     */
    public record Settings(double sharedWeight, double sideWeight, double guidance, int steps, SamplerKind sampler) {
        /** The paper's weights, guidance 5 and UniPC with 20 steps. */
        public static final Settings PAPER = new Settings(0.1, 0.9, 5.0, 20, SamplerKind.UNIPC);

        public Settings {
            if (!(sharedWeight >= 0) || !(sideWeight >= 0) || !(guidance >= 0)) {
                throw new IllegalArgumentException("weights and guidance must be >= 0, got " + sharedWeight + ", "
                        + sideWeight + ", " + guidance);
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
        }
    }

    /** One generated pair: the left panel (source) and the right panel (target). */
    public record GeneratedPair(PortraitTask.PairPrompt prompt, RgbImage source, RgbImage target) {
    }

    private PairGeneration() {
    }

    /**
     * Generates one pair per prompt, {@code batch} canvases per UNet pass, from noise drawn by {@code gen} in order
     * (the same prompts, settings and seed give the same pairs). Reports one step per finished batch.
     */
    public static List<GeneratedPair> generate(LatentDiffusion model, List<PortraitTask.PairPrompt> prompts,
                                               Settings s, int batch, Generator gen, StepListener progress) {
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        int h = model.model().latentSize();
        int w = 2 * h;
        List<GeneratedPair> out = new ArrayList<>();
        int batches = (prompts.size() + batch - 1) / batch;
        for (int from = 0, k = 0; from < prompts.size(); from += batch, k++) {
            List<PortraitTask.PairPrompt> part = prompts.subList(from, Math.min(prompts.size(), from + batch));
            try (PointerScope ignored = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
                Tensor canvas = canvas(model, part, s, h, w, gen);
                int side = model.imageSize();
                for (int i = 0; i < part.size(); i++) {
                    Tensor one = canvas.narrow(0, i, 1);
                    RgbImage left = ImageTensors.fromTensor(one.narrow(3, 0, side));
                    RgbImage right = ImageTensors.fromTensor(one.narrow(3, side, side));
                    out.add(new GeneratedPair(part.get(i), left, right));
                }
            }
            if (!progress.onStep(k + 1, batches, Double.NaN)) {
                throw new dev.retouch.core.progress.CancelledException(k + 1, batches);
            }
        }
        return out;
    }

    /** The decoded canvases (B, 3, H, 2H) of one batch of prompts. */
    static Tensor canvas(LatentDiffusion model, List<PortraitTask.PairPrompt> part, Settings s, int h, int w,
                         Generator gen) {
        int b = part.size();
        Tensor shared = model.textStates(part.stream().map(PortraitTask.PairPrompt::shared).toList(), m -> { });
        Tensor source = model.textStates(part.stream().map(PortraitTask.PairPrompt::source).toList(), m -> { });
        Tensor target = model.textStates(part.stream().map(PortraitTask.PairPrompt::target).toList(), m -> { });
        Tensor empty = model.textStates(java.util.Collections.nCopies(b, ""), m -> { });
        RegionalDenoiser d = RegionalDenoiser.twoPanels(model.unet(), empty, shared, source, target, h, w,
                s.sharedWeight(), s.sideWeight(), s.guidance());
        Scheduler scheduler = s.sampler().create(model.schedule(), s.steps(), 0.0);
        Tensor zT = Tensors.randn(gen, b, model.model().latentChannels(), h, w);
        Tensor z0 = DenoiseLoop.run(d, scheduler, zT, gen, LoopHooks.NONE);
        return model.decode(z0);
    }
}
