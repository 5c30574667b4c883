package dev.retouch.diffusion.pipeline;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.schedule.DDIMInverseScheduler;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.Scheduler;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;

/**
 * The shared latent-space pipelines of a text-to-image {@link LatentDiffusion} model (Rombach et al. 2022):
 * text-to-image with classifier-free guidance, img2img/SDEdit, and deterministic DDIM inversion and reconstruction.
 * Each is encode → (noise | invert) → {@link DenoiseLoop} with a {@link GuidedDenoiser} → decode; any
 * {@link Scheduler} plugs in. Images are (B, 3, H, W) in [−1, 1]; latents are the autoencoder's scaled latents.
 */
public final class LatentPipelines {
    private LatentPipelines() {
    }

    /**
     * Text-to-image: {@code count} images per prompt from seeded noise, guided with scale {@code guidance}
     * (ε = ε_neg + g·(ε_prompt − ε_neg); g = 1 is the plain conditional model, g = 0 the unconditional one).
     *
     * @return images (B·count, 3, H, W), the {@code count} images of each prompt together
     */
    public static Tensor generate(LatentDiffusion ld, PromptStates prompts, double guidance, int count,
                                  Scheduler scheduler, Generator gen, LoopHooks hooks) {
        return ld.decode(generateLatents(ld, prompts, guidance, count, scheduler, gen, hooks));
    }

    /** {@link #generate} without decoding: latents (B·count, C, h, w) at the model's latent size. */
    public static Tensor generateLatents(LatentDiffusion ld, PromptStates prompts, double guidance, int count,
                                         Scheduler scheduler, Generator gen, LoopHooks hooks) {
        PromptStates all = prompts.repeat(count);
        int s = ld.model().latentSize();
        // (B·count, C, h, w), drawn on the CPU from the seed, then moved to the model's device
        Tensor zT = ld.toDevice(Tensors.randn(gen, all.batch(), ld.model().latentChannels(), s, s));
        return denoise(ld, zT, all, guidance, scheduler, gen, hooks);
    }

    /** Runs {@code scheduler}'s timesteps from the latents {@code zt} (at its first timestep), guided. */
    public static Tensor denoise(LatentDiffusion ld, Tensor zt, PromptStates prompts, double guidance,
                                 Scheduler scheduler, Generator gen, LoopHooks hooks) {
        GuidedDenoiser d = prompts.forBatch(zt.size(0)).denoiser(ld, guidance);
        return DenoiseLoop.run(d, scheduler, zt, gen, hooks);
    }

    /**
     * The tail of a descending timestep list that img2img runs at {@code strength} in (0, 1]: the last
     * ⌊steps·strength⌋ timesteps (at least one), as diffusers' img2img. Strength 1 is the whole list.
     */
    public static int[] strengthTimesteps(int[] descending, double strength) {
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must be in (0, 1], got " + strength);
        }
        int steps = descending.length;
        int keep = Math.max(1, Math.min(steps, (int) Math.floor(steps * strength + 1e-9)));
        return Arrays.copyOfRange(descending, steps - keep, steps);
    }

    /**
     * img2img / SDEdit (Meng et al. 2022) in latent space: encode, noise the latents to the first timestep of
     * {@code tail} (see {@link #strengthTimesteps}), denoise over {@code tail} with guidance, decode.
     *
     * @param prompts one prompt per image, or one for all
     */
    public static Tensor img2img(LatentDiffusion ld, Tensor images, PromptStates prompts, double guidance,
                                 Scheduler tail, Generator gen, LoopHooks hooks) {
        Tensor z0 = ld.encode(images); // (B, C, h, w)
        Tensor noise = Tensors.randnLike(gen, z0);
        Tensor zt = tail.addNoise(z0, noise, tail.timesteps()[0]);
        return ld.decode(denoise(ld, zt, prompts, guidance, tail, gen, hooks));
    }

    /** img2img with deterministic DDIM: the last ⌊steps·strength⌋ of {@code steps} leading-spaced timesteps. */
    public static Tensor img2img(LatentDiffusion ld, Tensor images, PromptStates prompts, double guidance,
                                 double strength, int steps, Generator gen, LoopHooks hooks) {
        int[] ts = strengthTimesteps(PixelPipelines.ddimTimesteps(ld.schedule(), steps), strength);
        return img2img(ld, images, prompts, guidance, new DDIMScheduler(ld.schedule(), ts, 0.0), gen, hooks);
    }

    /**
     * Deterministic DDIM inversion of latents z₀ up to the first (largest) timestep of {@code descending}, with the
     * model guided as given (g = 1, the conditional model, is the usual choice: larger scales invert badly).
     */
    public static Tensor invert(LatentDiffusion ld, Tensor latents, PromptStates prompts, double guidance,
                                int[] descending, LoopHooks hooks) {
        Scheduler inverse = new DDIMInverseScheduler(ld.schedule(), descending);
        return DenoiseLoop.run(prompts.forBatch(latents.size(0)).denoiser(ld, guidance), inverse, latents, null, hooks);
    }

    /**
     * The result of inverting then regenerating images.
     *
     * @param noise   the inverted latents z_T (B, C, h, w)
     * @param latents the regenerated latents ẑ₀
     * @param image   the decoded regenerated images
     */
    public record Reconstruction(Tensor noise, Tensor latents, Tensor image) {
    }

    /** {@link #reconstruct(LatentDiffusion, Tensor, PromptStates, double, int, LoopHooks)} with guidance 1. */
    public static Reconstruction reconstruct(LatentDiffusion ld, Tensor images, PromptStates prompts, int steps,
                                             LoopHooks hooks) {
        return reconstruct(ld, images, prompts, 1.0, steps, hooks);
    }

    /**
     * Encode, DDIM-invert with {@code steps} steps, regenerate with η = 0 DDIM over the same timesteps and the same
     * prompts and guidance, decode. The sampling side does not clip x̂₀, so it undoes the inversion up to the
     * ε(x_r, t) ≈ ε(x_t, t) approximation.
     */
    public static Reconstruction reconstruct(LatentDiffusion ld, Tensor images, PromptStates prompts, double guidance,
                                             int steps, LoopHooks hooks) {
        int[] ts = PixelPipelines.ddimTimesteps(ld.schedule(), steps);
        Tensor z0 = ld.encode(images);
        Tensor zT = invert(ld, z0, prompts, guidance, ts, hooks);
        Tensor z = regenerate(ld, zT, prompts, guidance, ts, hooks);
        return new Reconstruction(zT, z, ld.decode(z));
    }

    /** η = 0, unclipped DDIM over {@code descending} from inverted latents {@code zT}. */
    public static Tensor regenerate(LatentDiffusion ld, Tensor zT, PromptStates prompts, double guidance,
                                    int[] descending, LoopHooks hooks) {
        NoiseSchedule unclipped = new NoiseSchedule(ld.schedule().config().withoutClipping());
        return denoise(ld, zT, prompts, guidance, new DDIMScheduler(unclipped, descending, 0.0), null, hooks);
    }
}
