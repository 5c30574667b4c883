package dev.retouch.diffusion.clip;

import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Map;

/**
 * transformers' {@code CLIPModel} (Radford et al. 2021): {@code text_model}, {@code vision_model}, biasless
 * {@code text_projection} / {@code visual_projection} into a shared space, and the learned temperature
 * {@code logit_scale} (log of the inverse temperature). Image–text similarity is the cosine of the projections.
 * A text-only config ({@link ClipConfig#textOnly}) builds transformers' {@code CLIPTextModel}: {@code text_model}
 * alone, whose weights are then exactly a Stable Diffusion {@code text_encoder}'s.
 */
public final class ClipModel extends Module {
    private final ClipConfig config;
    private final ClipTextTransformer textModel;
    private final ClipVisionTransformer visionModel;
    private final Linear textProjection;
    private final Linear visualProjection;
    private final Tensor logitScale;

    public ClipModel(ClipConfig config) {
        this.config = config;
        this.textModel = child("text_model", new ClipTextTransformer(config.text()));
        if (config.hasVision()) {
            this.visionModel = child("vision_model", new ClipVisionTransformer(config.vision()));
            this.visualProjection = child("visual_projection",
                    new Linear(config.vision().width(), config.projectionDim(), false));
            this.textProjection = child("text_projection",
                    new Linear(config.text().width(), config.projectionDim(), false));
            this.logitScale = parameter("logit_scale", torch.full(new long[]{}, Tensors.s(config.logitScaleInit())));
        } else {
            this.visionModel = null;
            this.visualProjection = null;
            this.textProjection = null;
            this.logitScale = null;
        }
    }

    @Override
    protected void resetParameters(Generator gen) {
        if (logitScale != null) {
            try (var ignored = new org.bytedeco.pytorch.NoGradGuard()) {
                logitScale.fill_(Tensors.s(config.logitScaleInit()));
            }
        }
    }

    /** A freshly initialised model: PyTorch defaults for layers, CLIP's normal draws for the embeddings. */
    public static ClipModel create(ClipConfig config, long seed) {
        ClipModel m = new ClipModel(config);
        Generator gen = Tensors.generator(seed);
        m.initialize(gen);
        try (var ignored = new org.bytedeco.pytorch.NoGradGuard()) {
            m.textModel.initEmbeddings(gen);
            if (m.visionModel != null) {
                m.visionModel.initEmbeddings(gen);
            }
        }
        return m;
    }

    public ClipConfig config() {
        return config;
    }

    public ClipTextTransformer textModel() {
        return textModel;
    }

    /** The vision tower; a text encoder alone has none (one clear error naming what needs it). */
    public ClipVisionTransformer visionModel() {
        requireVision("image features");
        return visionModel;
    }

    /** The biasless projection of the pooled image state into the shared space (a full CLIP only). */
    public Linear visualProjection() {
        requireVision("the visual projection");
        return visualProjection;
    }

    public Tensor logitScale() {
        requireVision("the image-text temperature");
        return logitScale;
    }

    /** Projected text features (B, projectionDim), not normalised. */
    public Tensor textFeatures(Tensor ids) {
        requireVision("projected text features");
        return textProjection.forward(textModel.forward(ids).pooled());
    }

    /** Projected image features (B, projectionDim), not normalised. */
    public Tensor imageFeatures(Tensor images) {
        requireVision("image features");
        return visualProjection.forward(visionModel.forward(images).pooled());
    }

    private void requireVision(String what) {
        if (visionModel == null) {
            throw new dev.retouch.core.RetouchException("this CLIP is a text encoder alone (no vision tower, as a "
                    + "Stable Diffusion text_encoder): " + what + " need a full CLIP model");
        }
    }

    /** Rows scaled to unit L2 norm. */
    public static Tensor normalize(Tensor features) {
        return features.div(features.norm(new org.bytedeco.pytorch.ScalarOptional(Tensors.s(2)), new long[]{-1}, true).clamp_min(Tensors.s(1e-12)));
    }

    /** Loads a model directory (config.json + model.safetensors), in eval mode, float32. Strict. */
    public static ClipModel load(Path dir) {
        ModelDirectory md = ModelDirectory.open(dir);
        ClipModel model = new ClipModel(md.config(ClipConfig.class));
        md.loadInto(model);
        return model;
    }

    /** Writes config.json, fp16 model.safetensors and the model card into {@code dir}. */
    public void save(Path dir, Map<String, Tensor> weights, String modelCard) {
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }
}
