package dev.retouch.diffusion.clip;

import dev.retouch.core.nn.Embedding;
import dev.retouch.core.nn.Init;
import dev.retouch.core.nn.LayerNorm;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * transformers' {@code CLIPTextTransformer} ({@code text_model}): token + learned position embeddings, a pre-norm
 * transformer under a causal mask, {@code final_layer_norm}. The pooled output is the final state at the first
 * end token (Radford et al. 2021: "the activations of the highest layer at the [EOS] token").
 */
public final class ClipTextTransformer extends Module {
    private final ClipConfig.Text config;
    private final Embedding tokenEmbedding;
    private final Embedding positionEmbedding;
    private final ClipEncoder encoder;
    private final LayerNorm finalLayerNorm;

    /** The text model's outputs: every position's final state and the pooled one. */
    public record Output(Tensor lastHiddenState, Tensor pooled) {
    }

    public ClipTextTransformer(ClipConfig.Text c) {
        this.config = c;
        Container embeddings = child("embeddings", new Container());
        this.tokenEmbedding = embeddings.add("token_embedding", new Embedding(c.vocabSize(), c.width()));
        this.positionEmbedding = embeddings.add("position_embedding", new Embedding(c.maxPositions(), c.width()));
        this.encoder = child("encoder", new ClipEncoder(c.width(), c.layers(), c.heads(), c.mlpWidth(),
                c.layerNormEps(), c.activation()));
        this.finalLayerNorm = child("final_layer_norm", new LayerNorm(c.width(), c.layerNormEps(), true));
    }

    /** CLIP's embedding initialisation (token N(0, 0.02²), position N(0, 0.01²)), applied after {@link #initialize}. */
    void initEmbeddings(Generator gen) {
        Init.normal(tokenEmbedding.weight(), 0.02, gen);
        Init.normal(positionEmbedding.weight(), 0.01, gen);
    }

    /** ids (B, N) long, N ≤ maxPositions → states (B, N, D) and pooled (B, D). */
    public Output forward(Tensor ids) {
        long b = ids.size(0);
        long n = ids.size(1);
        if (n > config.maxPositions()) {
            throw new IllegalArgumentException(n + " tokens exceed the text model's context of " + config.maxPositions());
        }
        Tensor w = tokenEmbedding.weight();
        ids = Tensors.onDeviceOf(w, ids); // the weights may be placed elsewhere (e.g. CUDA)
        Tensor pos = Tensors.onDeviceOf(w, Tensors.arange(n)); // (N)
        Tensor h = tokenEmbedding.forward(ids).add(positionEmbedding.forward(pos));
        h = finalLayerNorm.forward(encoder.forward(h, Tensors.placedLike(h, causalMask(n))));
        Tensor end = ids.eq(Tensors.s(config.endTokenId())).to(torch.ScalarType.Int).argmax(
                new org.bytedeco.pytorch.LongOptional(1), false); // (B) first end token (0 when absent)
        // an integer Scalar: a double one would promote the int64 row indices to float
        Tensor rows = Tensors.onDeviceOf(w, Tensors.arange(b)).mul(new org.bytedeco.pytorch.Scalar(n))
                .add(end); // (B) flat rows
        Tensor pooled = h.reshape(b * n, -1).index_select(0, rows); // (B, D)
        return new Output(h, pooled);
    }

    /** Additive causal mask (1, 1, N, N): 0 on and below the diagonal, −∞ above. */
    static Tensor causalMask(long n) {
        Tensor full = torch.full(new long[]{n, n}, Tensors.s(Double.NEGATIVE_INFINITY));
        return torch.triu(full, 1).reshape(1, 1, n, n);
    }

    public ClipConfig.Text config() {
        return config;
    }
}
