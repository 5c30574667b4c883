package dev.retouch.diffusion.clip;

import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;

/**
 * transformers' {@code CLIPVisionModelWithProjection}: a CLIP vision tower ({@code vision_model}) and its biasless
 * {@code visual_projection} into the shared image–text space, without the text half. It is the {@code image_encoder}
 * of diffusers pipelines that condition on images (OpenAI CLIP ViT-L/14's vision half: width 1024, 24 layers,
 * 224² inputs in 14² patches, projection 768).
 */
public final class ClipVisionModelWithProjection extends Module {
    private final ClipConfig.Vision config;
    private final int projectionDim;
    private final ClipVisionTransformer visionModel;
    private final Linear visualProjection;

    public ClipVisionModelWithProjection(ClipConfig.Vision config, int projectionDim) {
        if (projectionDim <= 0) {
            throw new IllegalArgumentException("projection_dim must be positive, got " + projectionDim);
        }
        this.config = config;
        this.projectionDim = projectionDim;
        this.visionModel = child("vision_model", new ClipVisionTransformer(config));
        this.visualProjection = child("visual_projection", new Linear(config.width(), projectionDim, false));
    }

    /** A freshly initialised model (PyTorch defaults for layers, CLIP's normal draws for the embeddings). */
    public static ClipVisionModelWithProjection create(ClipConfig.Vision config, int projectionDim, long seed) {
        ClipVisionModelWithProjection m = new ClipVisionModelWithProjection(config, projectionDim);
        Generator gen = Tensors.generator(seed);
        m.initialize(gen);
        try (var ignored = new org.bytedeco.pytorch.NoGradGuard()) {
            m.visionModel.initEmbeddings(gen);
        }
        return m;
    }

    public ClipConfig.Vision config() {
        return config;
    }

    public int projectionDim() {
        return projectionDim;
    }

    public ClipVisionTransformer visionModel() {
        return visionModel;
    }

    public Linear visualProjection() {
        return visualProjection;
    }
}
