package dev.retouch.edit.portrait;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.Map;

/**
 * The trainable part of paper 003's multi-conditioned diffusion model (Fig. 5): a UNet that reads the noisy latent
 * and the source latent c_s concatenated on the channels (spatial embeddings), and cross-attends to the text tokens
 * c_p followed by the adapter's image tokens c_im. Weights are named {@code unet.*} and {@code adapter.*}.
 */
public final class Mcdm extends Module {
    private final UNet2DConditionModel unet;
    private final ImageAdapter adapter;

    public Mcdm(UNet2DConditionConfig unetConfig, int latentSize, int clipTokens) {
        int c = unetConfig.outChannels();
        this.unet = child("unet", new UNet2DConditionModel(unetConfig));
        this.adapter = child("adapter", new ImageAdapter(c, latentSize, clipTokens, unetConfig.crossAttentionDim()));
    }

    /** The base UNet's structure with conv_in widened to read the source latent too. */
    public static UNet2DConditionConfig widen(UNet2DConditionConfig base) {
        return new UNet2DConditionConfig(base.sampleSize(), 2 * base.inChannels(), base.outChannels(),
                base.blockOutChannels(), base.layersPerBlock(), base.crossAttention(), base.crossAttentionDim(),
                base.attentionHeads(), base.attentionHeadDim(), base.transformerLayersPerBlock(),
                base.useLinearProjection(), base.normGroups(), base.normEps(), base.dropout(), base.flipSinToCos(),
                base.freqShift());
    }

    /**
     * A new model: the adapter initialised as a pass-through of the CLIP tokens, and the UNet either the base UNet's
     * weights with conv_in's new input channels zero (so the model starts as the base model, paper supplementary
     * §1.2), or ({@code base} null: the w/o-pretraining ablation) a random initialisation.
     */
    public static Mcdm create(UNet2DConditionModel base, UNet2DConditionConfig baseConfig, int latentSize,
                              int clipTokens, Generator gen) {
        Mcdm m = new Mcdm(widen(baseConfig), latentSize, clipTokens);
        m.unet.initialize(gen);
        m.adapter.initializeAsPassThrough(gen);
        if (base != null) {
            try (NoGradGuard ignored = new NoGradGuard()) {
                Map<String, Tensor> own = m.unet.stateDict();
                base.stateDict().forEach((k, v) -> {
                    Tensor dst = own.get(k);
                    if (k.equals("conv_in.weight")) {
                        dst.zero_();
                        dst.narrow(1, 0, v.size(1)).copy_(v);
                    } else {
                        dst.copy_(v);
                    }
                });
            }
        }
        return m;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    public ImageAdapter adapter() {
        return adapter;
    }

    /**
     * The model output for noisy latents z (B, C, h, w) at timesteps t, with the spatial condition {@code spatial}
     * (B, C, h, w; zeros = null), the text states {@code text} (B, M, D) and the image tokens {@code image}
     * (B, K, D; zeros = null).
     */
    public Tensor forward(Tensor z, Tensor t, Tensor spatial, Tensor text, Tensor image) {
        return unet.forward(Tensors.cat(1, z, spatial), t, Tensors.cat(1, text, image));
    }
}
