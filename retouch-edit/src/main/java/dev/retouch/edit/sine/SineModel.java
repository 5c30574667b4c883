package dev.retouch.edit.sine;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.Map;

/** A fine-tuned SINE model: the fine-tuned copy ε̂_θ of the base UNet and its {@link SineConfig}. */
public final class SineModel {
    private final SineConfig config;
    private final UNet2DConditionModel unet;
    private final PositionalGrid grid;
    private dev.retouch.core.engine.Placement placement = dev.retouch.core.engine.Placement.CPU;

    public SineModel(SineConfig config, UNet2DConditionModel unet) {
        if (!unet.config().equals(config.unet())) {
            throw new IllegalArgumentException("the UNet's structure differs from the config's");
        }
        this.config = config;
        this.unet = unet;
        this.grid = config.positional().grid();
    }

    /** Loads {@code dir}; fails with the file and the problem when it is not a SINE model of this format. */
    public static SineModel load(Path dir) {
        ModelDirectory md;
        try {
            md = ModelDirectory.open(dir);
        } catch (RetouchException e) {
            throw new RetouchException("not a sine model: " + e.getMessage(), e);
        }
        JsonNode tree = md.configTree();
        JsonNode type = tree.get("type");
        if (type == null || !SineConfig.TYPE.equals(type.asText())) {
            throw new RetouchException(md.configFile() + ": not a sine model (config type must be '" + SineConfig.TYPE
                    + "', found " + (type == null ? "none" : "'" + type.asText() + "'") + ")");
        }
        JsonNode version = tree.get("formatVersion");
        if (version == null || version.asInt(-1) != SineConfig.FORMAT_VERSION) {
            throw new RetouchException(md.configFile() + ": sine format version " + version + " is not supported "
                    + "(expected " + SineConfig.FORMAT_VERSION + ")");
        }
        SineConfig config = md.config(SineConfig.class);
        UNet2DConditionModel unet = new UNet2DConditionModel(config.unet());
        md.loadInto(unet);
        return new SineModel(config, unet);
    }

    /** Loads the base model named by {@code dir}'s config and checks that the fine-tuned UNet fits it. */
    public LatentDiffusion loadBase(Path dir) {
        Path baseDir = config.baseDir(dir);
        LatentDiffusion base;
        try {
            base = LatentDiffusion.load(baseDir);
        } catch (RetouchException e) {
            throw new RetouchException(dir.resolve(ModelDirectory.CONFIG) + ": base model '" + config.base() + "': "
                    + e.getMessage(), e);
        }
        checkBase(base, dir.toString());
        return base;
    }

    /** Fails unless {@code base}'s UNet has this model's structure. */
    public void checkBase(LatentDiffusion base, String where) {
        if (!base.unet().config().equals(config.unet())) {
            throw new RetouchException(where + ": the fine-tuned UNet's structure differs from the base model's");
        }
    }

    /** Writes the model directory: config, the fine-tuned UNet's {@code weights} as fp16, the model card. */
    public static void save(Path dir, SineConfig config, Map<String, Tensor> weights, String modelCard) {
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }

    /**
     * Moves the fine-tuned UNet to {@code target} (in place) and returns this; its base is placed on its own
     * ({@link LatentDiffusion#placeOn}). The positional grid stays on the CPU: the UNet moves it per step.
     */
    public synchronized SineModel placeOn(dev.retouch.core.engine.Placement target) {
        if (!target.equals(placement)) {
            try (org.bytedeco.pytorch.Device d = target.torchDevice()) {
                unet.to(d, target.dtype());
            }
            placement = target;
        }
        return this;
    }

    public SineConfig config() {
        return config;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    public PositionalGrid grid() {
        return grid;
    }

    /**
     * The embedding to feed ε̂_θ for a (latentHeight × latentWidth) sample: the whole grid resized, or null for the
     * {@link Variant#NO_PATCHES} model or when {@code use} is false.
     */
    public Tensor positional(int latentHeight, int latentWidth, boolean use) {
        return use && config.variant() == Variant.PATCHES ? grid.whole(latentHeight, latentWidth) : null;
    }
}
