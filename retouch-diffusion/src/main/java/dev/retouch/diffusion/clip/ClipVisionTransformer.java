package dev.retouch.diffusion.clip;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.Embedding;
import dev.retouch.core.nn.Init;
import dev.retouch.core.nn.LayerNorm;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * transformers' {@code CLIPVisionTransformer} ({@code vision_model}): non-overlapping patches embedded by a biasless
 * strided convolution, a learned class token prepended, learned position embeddings, {@code pre_layrnorm} (sic, as
 * transformers spells it), the encoder, and {@code post_layernorm} on the class token as the pooled output.
 */
public final class ClipVisionTransformer extends Module {
    private final ClipConfig.Vision config;
    private final Tensor classEmbedding;
    private final Conv2d patchEmbedding;
    private final Embedding positionEmbedding;
    private final LayerNorm preLayrnorm;
    private final ClipEncoder encoder;
    private final LayerNorm postLayernorm;

    /** The vision model's outputs: every token's final state (B, 1 + P, D) and the pooled class token (B, D). */
    public record Output(Tensor lastHiddenState, Tensor pooled) {
    }

    public ClipVisionTransformer(ClipConfig.Vision c) {
        this.config = c;
        Container embeddings = child("embeddings", new Container());
        this.classEmbedding = embeddings.param("class_embedding", torch.zeros(c.width()));
        this.patchEmbedding = embeddings.add("patch_embedding",
                new Conv2d(c.channels(), c.width(), c.patchSize(), c.patchSize(), 0, 1, false));
        this.positionEmbedding = embeddings.add("position_embedding", new Embedding(c.patches() + 1, c.width()));
        this.preLayrnorm = child("pre_layrnorm", new LayerNorm(c.width(), c.layerNormEps(), true));
        this.encoder = child("encoder", new ClipEncoder(c.width(), c.layers(), c.heads(), c.mlpWidth(),
                c.layerNormEps(), c.activation()));
        this.postLayernorm = child("post_layernorm", new LayerNorm(c.width(), c.layerNormEps(), true));
    }

    /** CLIP's embedding initialisation (class token N(0, 1/D), positions N(0, 0.02²)), applied after initialize. */
    void initEmbeddings(Generator gen) {
        Init.normal(classEmbedding, Math.pow(config.width(), -0.5), gen);
        Init.normal(positionEmbedding.weight(), 0.02, gen);
    }

    /** images (B, C, S, S) normalised as the model was trained → states and pooled output. */
    public Output forward(Tensor images) {
        if (images.dim() != 4 || images.size(2) != config.imageSize() || images.size(3) != config.imageSize()) {
            throw new IllegalArgumentException("the vision model needs (B, " + config.channels() + ", "
                    + config.imageSize() + ", " + config.imageSize() + ") images, got " + Tensors.shapeString(images));
        }
        long b = images.size(0);
        Tensor patches = patchEmbedding.forward(images).flatten(2, -1).transpose(1, 2); // (B, P, D)
        Tensor cls = classEmbedding.reshape(1, 1, -1).expand(b, 1, config.width());
        Tensor pos = Tensors.arange(config.patches() + 1);
        Tensor h = Tensors.cat(1, cls, patches).add(positionEmbedding.forward(pos)); // (B, 1 + P, D)
        h = encoder.forward(preLayrnorm.forward(h), null);
        Tensor pooled = postLayernorm.forward(h.select(1, 0));
        return new Output(h, pooled);
    }

    /** {@code post_layernorm} on states (…, D): the pooled output's normalisation, for any token. */
    public Tensor postLayernorm(Tensor states) {
        return postLayernorm.forward(states);
    }

    public ClipConfig.Vision config() {
        return config;
    }
}
