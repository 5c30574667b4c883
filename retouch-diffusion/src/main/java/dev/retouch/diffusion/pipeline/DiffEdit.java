package dev.retouch.diffusion.pipeline;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.Resize;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.schedule.DDIMInverseScheduler;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.Timesteps;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * DiffEdit (Couairon et al. 2022, §3.2), the three steps: (1) the mask M where the noise estimates under the query
 * Q and the reference R differ ({@link DiffEditMask}); (2) DDIM encoding of the image's latents with R up to the
 * encoding ratio r, keeping the latent of every level; (3) DDIM decoding with Q under classifier-free guidance where,
 * after every step, the latents outside M are replaced by the encoding's latents of the same level (z₀ itself after
 * the last step), so that only the masked region changes.
 */
public final class DiffEdit {
    private DiffEdit() {
    }

    /**
     * @param query     (1, M, D) states of the edit text Q
     * @param reference (1, M, D) states of the reference text R (the empty prompt: the unconditional model)
     * @param ratio     the encoding ratio r in (0, 1]: the run covers the last ⌊steps·r⌋ of {@code steps} timesteps
     * @param guidance  classifier-free guidance scale of the decoding (unconditional branch: the empty prompt)
     */
    public record Options(double ratio, int steps, double guidance, DiffEditMask.Options mask) {
        public Options {
            if (!(ratio > 0 && ratio <= 1)) {
                throw new IllegalArgumentException("the encoding ratio must be in (0, 1], got " + ratio);
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps must be >= 1, got " + steps);
            }
            if (!(guidance >= 0) || Double.isInfinite(guidance)) {
                throw new IllegalArgumentException("guidance must be a finite number >= 0, got " + guidance);
            }
        }

        /** The paper's r = 0.5 for mask and encoding, 50 DDIM steps, guidance 5, the mask's defaults. */
        public static Options defaults() {
            return new Options(0.5, 50, 5.0, DiffEditMask.Options.defaults());
        }
    }

    /**
     * @param image    the edited image (1, 3, H, W) in [−1, 1]
     * @param mask     M at the image's size (the binary mask the decoding used, upsampled from the latent grid)
     * @param relevance the mask's rescaled difference map in [0, 1] at the image's size
     * @param steps    denoising steps run
     */
    public record Result(Tensor image, Mask mask, Tensor relevance, int steps) {
    }

    /** Edits one image (1, 3, H, W) in [−1, 1]. */
    public static Result edit(LatentDiffusion ld, Tensor image, Tensor query, Tensor reference, Tensor unconditional,
                              Options o, Generator gen, LoopHooks hooks) {
        DiffEditMask m = DiffEditMask.compute(ld, image, query, reference, o.mask(), gen);
        Tensor z0 = ld.encode(image); // (1, C, h, w)
        int h = (int) z0.size(2);
        int w = (int) z0.size(3);
        Mask latentMask = Resize.area(m.mask(), w, h).binary(Mask.INSIDE);
        Tensor mz = Tensors.placedLike(z0, ImageTensors.toTensor(latentMask)); // (1, 1, h, w)
        Tensor keep = mz.neg().add(Tensors.s(1));

        NoiseSchedule unclipped = new NoiseSchedule(ld.schedule().config().withoutClipping());
        int[] ts = LatentPipelines.strengthTimesteps(PixelPipelines.ddimTimesteps(ld.schedule(), o.steps()), o.ratio());
        List<Tensor> encoded = new ArrayList<>(); // encoded[i]: the latents at level ascending[i] (kept, released below)
        try {
            LoopHooks record = new LoopHooks(null, (xNext, tNext) -> {
                encoded.add(Tensors.keep(xNext.detach()));
                return xNext;
            }, null);
            Tensor zr = DenoiseLoop.run(GuidedDenoiser.classifierFree(ld.unet(), reference, reference, 1.0),
                    new DDIMInverseScheduler(unclipped, ts), z0, null, record);
            int n = ts.length;
            LoopHooks blend = new LoopHooks(hooks.guidance(), (xNext, tNext) -> {
                Tensor outside = tNext < 0 ? z0 : encoded.get(levelIndex(ts, tNext));
                return xNext.mul(mz).add(outside.mul(keep));
            }, hooks.listener());
            Tensor z = DenoiseLoop.run(GuidedDenoiser.classifierFree(ld.unet(), unconditional, query, o.guidance()),
                    new DDIMScheduler(unclipped, ts, 0.0), zr, gen, blend);
            Tensor x = ld.decode(z).clamp(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(-1)),
                    new org.bytedeco.pytorch.ScalarOptional(Tensors.s(1)));
            Mask shown = Resize.nearest(latentMask, (int) image.size(3), (int) image.size(2));
            return new Result(x, shown, m.relevance(), n);
        } finally {
            encoded.forEach(Tensors::release);
        }
    }

    /** The index in the ascending encoding order of level {@code t} of the descending list {@code ts}. */
    private static int levelIndex(int[] descending, int t) {
        int[] ascending = Timesteps.reversed(descending);
        for (int i = 0; i < ascending.length; i++) {
            if (ascending[i] == t) {
                return i;
            }
        }
        throw new IllegalStateException("level " + t + " not in the run");
    }
}
