package dev.retouch.diffusion.model;

import dev.retouch.core.RetouchException;
import dev.retouch.core.engine.Placement;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipConfig;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.vae.AutoencoderKL;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A text-to-image latent diffusion model ready to run: the denoiser ({@link LatentDiffusionModel}), the autoencoder
 * that maps images to its latents and back, and the CLIP text encoder whose last hidden states condition it. The
 * three are checked to fit together: the UNet reads the autoencoder's latent channels and cross-attends to states
 * of the text encoder's width.
 */
public final class LatentDiffusion {
    private final LatentDiffusionModel model;
    private final AutoencoderKL vae;
    private final Clip clip;
    private volatile Placement placement = Placement.CPU;

    private LatentDiffusion(LatentDiffusionModel model, AutoencoderKL vae, Clip clip) {
        this.model = model;
        this.vae = vae;
        this.clip = clip;
    }

    /** Bundles the three models; fails when they do not fit together. */
    public static LatentDiffusion of(LatentDiffusionModel model, AutoencoderKL vae, Clip clip) {
        String problem = mismatch(model.config(), vae.config(), clip.model().config().text(), "the autoencoder",
                "the text encoder");
        if (problem != null) {
            throw new RetouchException("the latent diffusion model does not fit its components: " + problem);
        }
        return new LatentDiffusion(model, vae, clip);
    }

    /**
     * Loads the model in {@code dir} with the autoencoder and text encoder its config names (paths relative to
     * {@code dir}), a Stable Diffusion pipeline in diffusers' layout ({@code model_index.json}; see
     * {@link dev.retouch.diffusion.diffusers.DiffusersPipeline}), or a Stable Diffusion 1.x single-file checkpoint
     * ({@link dev.retouch.diffusion.diffusers.SingleFileCheckpoint}). Every failure names the file at fault.
     */
    public static LatentDiffusion load(Path dir) {
        if (dev.retouch.diffusion.diffusers.DiffusersPipeline.isPipeline(dir)) {
            return dev.retouch.diffusion.diffusers.DiffusersPipeline.load(dir);
        }
        if (dev.retouch.diffusion.diffusers.SingleFileCheckpoint.isSingleFile(dir)) {
            return dev.retouch.diffusion.diffusers.SingleFileCheckpoint.load(dir);
        }
        LatentDiffusionModel model = LatentDiffusionModel.load(dir);
        Path configFile = dir.resolve(ModelDirectory.CONFIG);
        LdmConfig c = model.config();
        Path vaeDir = c.vaeDir(dir);
        Path clipDir = c.textEncoderDir(dir);
        AutoencoderKL vae = component(configFile, "vae", c.vae(), () -> AutoencoderKL.load(vaeDir));
        Clip clip = component(configFile, "textEncoder", c.textEncoder(), () -> Clip.load(clipDir));
        String problem = mismatch(c, vae.config(), clip.model().config().text(), "the autoencoder " + vaeDir,
                "the text encoder " + clipDir);
        if (problem != null) {
            throw new RetouchException(configFile + ": " + problem);
        }
        return new LatentDiffusion(model, vae, clip);
    }

    private static <T> T component(Path configFile, String field, String value, Supplier<T> load) {
        try {
            return load.get();
        } catch (RetouchException e) {
            throw new RetouchException(configFile + ": " + field + " '" + value + "': " + e.getMessage(), e);
        }
    }

    /** Why the UNet does not fit the autoencoder and text encoder, or null when it does. */
    static String mismatch(LdmConfig c, AutoencoderKLConfig vae, ClipConfig.Text text, String vaeName,
                           String textName) {
        if (c.unet().inChannels() != vae.latentChannels()) {
            return "the UNet reads " + c.unet().inChannels() + " latent channels but " + vaeName + " has "
                    + vae.latentChannels();
        }
        if (c.unet().crossAttentionDim() != text.width()) {
            return "the UNet's crossAttentionDim is " + c.unet().crossAttentionDim() + " but " + textName
                    + " has text width " + text.width();
        }
        return null;
    }

    /** Where the three networks' weights live and in which precision ({@link Placement#CPU} as loaded). */
    public Placement placement() {
        return placement;
    }

    /**
     * Moves the UNet, the autoencoder and the text encoder to {@code target} (in place: every user of this instance
     * sees the move) and returns this. The pipelines then keep their latents on that device in float32; images go in
     * and come out on the CPU. Call it before sharing the model between threads, not while one runs.
     */
    public synchronized LatentDiffusion placeOn(Placement target) {
        if (!target.equals(placement)) {
            try (Device d = target.torchDevice()) {
                model.unet().to(d, target.dtype());
                vae.to(d, target.dtype());
                clip.to(d, target.dtype());
            }
            placement = target;
        }
        return this;
    }

    /** {@code t} (float data: latents, noise, masks) on the networks' device as float32, the pipelines' type. */
    public Tensor toDevice(Tensor t) {
        Placement p = placement;
        if (p.isCpu()) {
            return t.to(torch.ScalarType.Float);
        }
        try (Device d = p.torchDevice()) {
            return t.to(d, torch.ScalarType.Float);
        }
    }

    public LatentDiffusionModel model() {
        return model;
    }

    public UNet2DConditionModel unet() {
        return model.unet();
    }

    public NoiseSchedule schedule() {
        return model.schedule();
    }

    public AutoencoderKL vae() {
        return vae;
    }

    public Clip clip() {
        return clip;
    }

    /** Pixels per latent cell along one side. */
    public int vaeFactor() {
        return vae.config().downsamplingFactor();
    }

    /** Image sides must be multiples of this: the autoencoder's factor times the UNet's size multiple. */
    public int sizeMultiple() {
        return vaeFactor() * model.config().unet().sizeMultiple();
    }

    /** Side of the square images the model was trained on. */
    public int imageSize() {
        return model.latentSize() * vaeFactor();
    }

    /**
     * The text encoder's last hidden states (B, context, width) for {@code prompts}; the empty prompt is the
     * unconditional one. Prompts longer than the context are truncated and reported to {@code warnings}.
     */
    public Tensor textStates(List<String> prompts, Consumer<String> warnings) {
        Clip.Tokens tokens = clip.tokenize(prompts, warnings);
        try (NoGradGuard ignored = new NoGradGuard()) {
            return clip.hiddenStates(tokens.ids());
        }
    }

    /**
     * Images (B, 3, H, W) in [−1, 1], H and W multiples of {@link #sizeMultiple()} → scaled latents, float32 on the
     * networks' device.
     */
    public Tensor encode(Tensor images) {
        checkImageSize(images);
        try (NoGradGuard ignored = new NoGradGuard()) {
            return vae.encodeLatents(toDevice(images));
        }
    }

    /** Scaled latents → images (B, 3, H, W) in [−1, 1], float32 on the CPU. */
    public Tensor decode(Tensor latents) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            return vae.decodeLatents(latents).cpu();
        }
    }

    private void checkImageSize(Tensor images) {
        long[] s = Tensors.shape(images);
        int k = sizeMultiple();
        if (s.length != 4 || s[1] != vae.config().inChannels() || s[2] % k != 0 || s[3] % k != 0 || s[2] == 0
                || s[3] == 0) {
            throw new RetouchException("image batch of shape " + Tensors.shapeString(images) + ": the latent diffusion "
                    + "model needs (B, " + vae.config().inChannels() + ", H, W) with H and W positive multiples of " + k
                    + " (the autoencoder's factor " + vaeFactor() + " × the UNet's " + (k / vaeFactor()) + ")");
        }
    }
}
