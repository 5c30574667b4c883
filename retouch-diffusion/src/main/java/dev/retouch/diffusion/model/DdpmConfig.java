package dev.retouch.diffusion.model;

import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConfig;

/** The {@code config.json} of a pixel-space diffusion model directory: the network and its noise process. */
public record DdpmConfig(String type, UNet2DConfig unet, NoiseScheduleConfig noise) {
    public static final String TYPE = "ddpm-unet2d";

    public DdpmConfig {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("config type must be '" + TYPE + "', found '" + type + "'");
        }
        if (unet == null || noise == null) {
            throw new IllegalArgumentException("config needs both 'unet' and 'noise'");
        }
    }

    public static DdpmConfig of(UNet2DConfig unet, NoiseScheduleConfig noise) {
        return new DdpmConfig(TYPE, unet, noise);
    }
}
