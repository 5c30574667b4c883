package dev.retouch.diffusion.model;

import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Map;

/**
 * A pixel-space diffusion model as stored on disk: a {@link UNet2DModel} plus its {@link NoiseSchedule}. Loading
 * is strict: every weight must be present, correctly shaped and finite.
 */
public final class PixelDiffusionModel {
    private final DdpmConfig config;
    private final UNet2DModel unet;
    private final NoiseSchedule schedule;

    public PixelDiffusionModel(DdpmConfig config, UNet2DModel unet) {
        this.config = config;
        this.unet = unet;
        this.schedule = new NoiseSchedule(config.noise());
    }

    /** A freshly initialised model (for training). */
    public static PixelDiffusionModel create(DdpmConfig config, long seed) {
        UNet2DModel unet = new UNet2DModel(config.unet());
        unet.initialize(Tensors.generator(seed));
        return new PixelDiffusionModel(config, unet);
    }

    /** Loads {@code dir} (config.json + model.safetensors), in eval mode, float32. */
    public static PixelDiffusionModel load(Path dir) {
        ModelDirectory md = ModelDirectory.open(dir);
        DdpmConfig config = md.config(DdpmConfig.class);
        UNet2DModel unet = new UNet2DModel(config.unet());
        md.loadInto(unet);
        return new PixelDiffusionModel(config, unet);
    }

    /** Writes the model directory with fp16 weights and the given model card. */
    public void save(Path dir, Map<String, Tensor> weights, String modelCard) {
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }

    public DdpmConfig config() {
        return config;
    }

    public UNet2DModel unet() {
        return unet;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /** Side of the square images the model works on. */
    public int sampleSize() {
        return config.unet().sampleSize();
    }
}
