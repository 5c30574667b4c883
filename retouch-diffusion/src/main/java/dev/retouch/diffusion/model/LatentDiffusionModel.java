package dev.retouch.diffusion.model;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Map;

/**
 * The denoiser of a latent diffusion model as stored on disk: a {@link UNet2DConditionModel} and its
 * {@link NoiseSchedule}. The directory holds the UNet only ({@code model.safetensors}, fp16); the autoencoder and
 * the text encoder are separate model directories named in the config (see {@link LatentDiffusion}).
 */
public final class LatentDiffusionModel {
    private final LdmConfig config;
    private final UNet2DConditionModel unet;
    private final NoiseSchedule schedule;

    public LatentDiffusionModel(LdmConfig config, UNet2DConditionModel unet) {
        this(config, unet, 0);
    }

    /**
     * A model whose sampling timesteps are shifted by {@code stepsOffset} (a Stable Diffusion scheduler config's
     * {@code steps_offset}; see {@link NoiseSchedule#NoiseSchedule(dev.retouch.diffusion.schedule.NoiseScheduleConfig,
     * int)}).
     */
    public LatentDiffusionModel(LdmConfig config, UNet2DConditionModel unet, int stepsOffset) {
        if (!unet.config().equals(config.unet())) {
            throw new IllegalArgumentException("the UNet's structure differs from the config's");
        }
        this.config = config;
        this.unet = unet;
        this.schedule = new NoiseSchedule(config.noise(), stepsOffset);
    }

    /** A freshly initialised model (for training). */
    public static LatentDiffusionModel create(LdmConfig config, long seed) {
        UNet2DConditionModel unet = new UNet2DConditionModel(config.unet());
        unet.initialize(Tensors.generator(seed));
        return new LatentDiffusionModel(config, unet);
    }

    /** Loads {@code dir} (config.json + model.safetensors), in eval mode, float32. Strict. */
    public static LatentDiffusionModel load(Path dir) {
        ModelDirectory md = ModelDirectory.open(dir);
        com.fasterxml.jackson.databind.JsonNode type = md.configTree().get("type");
        if (type == null || !LdmConfig.TYPE.equals(type.asText())) {
            throw new RetouchException(md.configFile() + ": config type must be '" + LdmConfig.TYPE + "' (a latent "
                    + "diffusion model), found " + (type == null ? "none" : "'" + type.asText() + "'"));
        }
        LdmConfig config = md.config(LdmConfig.class);
        UNet2DConditionModel unet = new UNet2DConditionModel(config.unet());
        md.loadInto(unet);
        return new LatentDiffusionModel(config, unet);
    }

    /** Writes the model directory: this config, the UNet's {@code weights} as fp16, and the model card. */
    public void save(Path dir, Map<String, Tensor> weights, String modelCard) {
        save(dir, config, weights, modelCard);
    }

    /** Writes a model directory with {@code config} (e.g. with component paths relative to {@code dir}). */
    public static void save(Path dir, LdmConfig config, Map<String, Tensor> weights, String modelCard) {
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }

    public LdmConfig config() {
        return config;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /** Channels of the latents the UNet denoises. */
    public int latentChannels() {
        return config.unet().inChannels();
    }

    /** Side of the square latents the UNet was trained on. */
    public int latentSize() {
        return config.unet().sampleSize();
    }
}
