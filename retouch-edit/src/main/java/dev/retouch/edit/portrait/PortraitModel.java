package dev.retouch.edit.portrait;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import dev.retouch.core.engine.Placement;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.ClipImageEncoder;
import dev.retouch.diffusion.model.LatentDiffusion;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A trained portrait model ready to run: the {@link Mcdm} with its config and the base latent diffusion model whose
 * autoencoder, text encoder and noise schedule it uses. Computes the three conditions of an input image.
 */
public final class PortraitModel {
    private final PortraitConfig config;
    private final Mcdm mcdm;
    private final LatentDiffusion base;
    private volatile Placement placement = Placement.CPU;

    public PortraitModel(PortraitConfig config, Mcdm mcdm, LatentDiffusion base) {
        if (!mcdm.unet().config().equals(config.unet())) {
            throw new IllegalArgumentException("the model's UNet structure differs from its config's");
        }
        check(config, base, "the base model");
        this.config = config;
        this.mcdm = mcdm;
        this.base = base;
    }

    /** Fails unless {@code base} is a model this portrait model could have been trained from. */
    static void check(PortraitConfig config, LatentDiffusion base, String where) {
        if (!Mcdm.widen(base.unet().config()).equals(config.unet())) {
            throw new RetouchException(where + " does not fit this portrait model: its UNet structure ("
                    + base.unet().config().blockOutChannels() + ", " + base.unet().config().inChannels()
                    + " channels) is not the one the portrait model was trained from");
        }
    }

    /** Loads {@code dir} and the base model its config names; every failure names the file at fault. */
    public static PortraitModel load(Path dir) {
        return load(dir, LatentDiffusion::load);
    }

    /** {@link #load(Path)} with the base model loaded by {@code baseLoader} (e.g. a model store's, to share it). */
    public static PortraitModel load(Path dir, java.util.function.Function<Path, LatentDiffusion> baseLoader) {
        ModelDirectory md;
        try {
            md = ModelDirectory.open(dir);
        } catch (RetouchException e) {
            throw new RetouchException("not a portrait model: " + e.getMessage(), e);
        }
        JsonNode type = md.configTree().get("type");
        if (type == null || !PortraitConfig.TYPE.equals(type.asText())) {
            throw new RetouchException(md.configFile() + ": not a portrait model (config type must be '"
                    + PortraitConfig.TYPE + "', found " + (type == null ? "none" : "'" + type.asText() + "'") + ")");
        }
        PortraitConfig config = md.config(PortraitConfig.class);
        LatentDiffusion base;
        try {
            base = baseLoader.apply(config.baseDir(dir));
        } catch (RetouchException e) {
            throw new RetouchException(md.configFile() + ": base model '" + config.base() + "': " + e.getMessage(), e);
        }
        check(config, base, md.configFile() + ": base model '" + config.base() + "'");
        Mcdm mcdm = new Mcdm(config.unet(), base.model().latentSize(), config.imageTokens());
        md.loadInto(mcdm);
        mcdm.eval();
        return new PortraitModel(config, mcdm, base);
    }

    /** Writes a model directory: config, weights as fp16, model card. */
    public static void save(Path dir, PortraitConfig config, Map<String, Tensor> weights, String modelCard) {
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }

    public PortraitConfig config() {
        return config;
    }

    public Mcdm mcdm() {
        return mcdm;
    }

    public LatentDiffusion base() {
        return base;
    }

    /** Where the multi-conditioned UNet's weights live and in which precision ({@link Placement#CPU} as loaded). */
    public Placement placement() {
        return placement;
    }

    /**
     * Moves the multi-conditioned UNet and the base model (its autoencoder, text and image encoders) to
     * {@code target}, in place, and returns this. Editing then keeps its latents there in float32; images go in and
     * come out on the CPU. Call it before sharing the model between threads.
     */
    public synchronized PortraitModel placeOn(Placement target) {
        base.placeOn(target);
        if (!target.equals(placement)) {
            try (org.bytedeco.pytorch.Device d = target.torchDevice()) {
                mcdm.to(d, target.dtype());
            }
            placement = target;
        }
        return this;
    }

    /** The conditions of source images (B, 3, S, S) in [−1, 1]: the spatial latent c_s and the CLIP tokens. */
    public record Conditions(Tensor spatial, Tensor clipTokens) {
    }

    /**
     * The source latents (the autoencoder's posterior mode, scaled) and the CLIP image tokens of {@code images}: the
     * image encoder's token states when they are as wide as the UNet's cross-attention (emoji-clip), else its
     * projected states (Stable Diffusion 1.x with OpenAI CLIP ViT-L/14's image encoder: width 1024, projection 768).
     */
    public static Conditions conditions(LatentDiffusion base, Tensor images) {
        Tensor latent = base.encode(images);
        ClipImageEncoder enc = base.clip().imageEncoder();
        Tensor tokens = tokenKind(base) == TokenKind.STATES ? enc.states(images) : enc.projectedStates(images);
        return new Conditions(latent, tokens.to(latent.device(), latent.scalar_type()));
    }

    /** Which of the image encoder's outputs become the adapter's CLIP tokens. */
    enum TokenKind { STATES, PROJECTED_STATES }

    /**
     * The kind of CLIP tokens that fits {@code base}: the states when the vision width equals the UNet's
     * cross-attention width, else the projected states when the projection does; fails when neither does.
     */
    static TokenKind tokenKind(LatentDiffusion base) {
        ClipImageEncoder enc = base.clip().imageEncoder();
        int d = base.unet().config().crossAttentionDim();
        if (enc.config().width() == d) {
            return TokenKind.STATES;
        }
        if (enc.projectionDim() == d) {
            return TokenKind.PROJECTED_STATES;
        }
        throw new RetouchException("a portrait model needs CLIP image states as wide as the UNet's cross-attention ("
                + d + "), but the base's CLIP image encoder has width " + enc.config().width() + " and projection "
                + enc.projectionDim());
    }

    /**
     * CLIP image tokens per image (1 + patches) of {@code base}'s image encoder; fails when the base cannot carry a
     * portrait model (no image encoder, no token width that fits the cross-attention, or an odd latent size).
     */
    public static int clipTokens(LatentDiffusion base) {
        tokenKind(base);
        if (base.model().latentSize() % 2 != 0) {
            throw new RetouchException("a portrait model needs an even latent size, the base's is "
                    + base.model().latentSize());
        }
        return base.clip().imageEncoder().tokens();
    }

    /** Text states (B, M, D) of prompts. */
    public Tensor text(List<String> prompts) {
        return base.textStates(prompts, m -> { });
    }

    /** Zeros shaped as {@code like}: the null spatial or image condition. */
    static Tensor none(Tensor like) {
        return org.bytedeco.pytorch.global.torch.zeros_like(like);
    }

    static long[] shape(Tensor t) {
        return Tensors.shape(t);
    }
}
