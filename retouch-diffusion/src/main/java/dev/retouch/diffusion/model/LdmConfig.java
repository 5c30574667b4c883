package dev.retouch.diffusion.model;

import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.vae.AutoencoderKLConfig;

import java.nio.file.Path;

/**
 * The {@code config.json} of a latent diffusion model directory (Rombach et al. 2022): the text-conditional UNet,
 * its noise process, and where the autoencoder and the text encoder it was trained with live, as paths relative to
 * the model directory (e.g. {@code "../emoji-vae"}). The latent shape is the UNet's: (inChannels, sampleSize,
 * sampleSize).
 *
 * @param vae         the {@code AutoencoderKL} model directory, relative to this model's directory
 * @param textEncoder the CLIP model directory (model + tokenizer), relative to this model's directory
 */
public record LdmConfig(String type, UNet2DConditionConfig unet, NoiseScheduleConfig noise, String vae,
                        String textEncoder) {
    public static final String TYPE = "latent-diffusion";

    public LdmConfig {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("config type must be '" + TYPE + "', found '" + type + "'");
        }
        if (unet == null || noise == null) {
            throw new IllegalArgumentException("config needs both 'unet' and 'noise'");
        }
        if (vae == null || vae.isBlank() || textEncoder == null || textEncoder.isBlank()) {
            throw new IllegalArgumentException("config needs the 'vae' and 'textEncoder' model directories");
        }
        if (unet.outChannels() != unet.inChannels()) {
            throw new IllegalArgumentException("the UNet must predict as many channels as it reads (a latent), found "
                    + unet.inChannels() + " in and " + unet.outChannels() + " out");
        }
    }

    /**
     * A config whose UNet is {@code structure} fitted to the autoencoder's latents (channels and size) and to the
     * text encoder's width, with Stable Diffusion's noise process (scaled-linear β 0.00085 → 0.012, 1000 steps,
     * ε-prediction).
     */
    public static LdmConfig of(UNet2DConditionConfig structure, AutoencoderKLConfig vae, int textWidth,
                               String vaePath, String textEncoderPath) {
        UNet2DConditionConfig unet = structure.forLatents(vae.latentChannels(), vae.latentSize(), textWidth);
        return new LdmConfig(TYPE, unet, NoiseScheduleConfig.stableDiffusion(), vaePath, textEncoderPath);
    }

    /** The autoencoder's directory for a model stored in {@code modelDir}. */
    public Path vaeDir(Path modelDir) {
        return modelDir.resolve(vae).normalize();
    }

    /** The text encoder's directory for a model stored in {@code modelDir}. */
    public Path textEncoderDir(Path modelDir) {
        return modelDir.resolve(textEncoder).normalize();
    }

    /** (channels, height, width) of the latents the UNet was trained on. */
    public long[] latentShape() {
        return new long[]{unet.inChannels(), unet.sampleSize(), unet.sampleSize()};
    }

    /** The same model referring to other autoencoder and text encoder directories. */
    public LdmConfig withComponents(String vaePath, String textEncoderPath) {
        return new LdmConfig(type, unet, noise, vaePath, textEncoderPath);
    }
}
