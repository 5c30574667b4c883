package dev.retouch.diffusion.dit;

import dev.retouch.core.nn.LayerNorm;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.unet.TimestepEmbedding;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A diffusion transformer (Peebles &amp; Xie 2023, "Scalable Diffusion Models with Transformers") over a latent
 * grid: patchify with dual PatchNorm ({@link PatchEmbed}), fixed 2-D sin-cos positions, {@link DiTBlock}s with
 * adaLN-Zero time conditioning and cross-attention to a context, and the adaLN final layer (zero-initialised, so
 * the untrained model predicts 0). Children {@code patch_embed}, {@code time_embed}, {@code blocks},
 * {@code final_norm} (no weights), {@code final_norm_modulation}, {@code final_proj}.
 */
public final class DiT extends Module {
    private final DiTConfig config;
    private final PatchEmbed patchEmbed;
    private final TimestepEmbedding timeEmbed;
    private final ModuleList<DiTBlock> blocks;
    private final LayerNorm finalNorm;
    private final Linear finalModulation;
    private final Linear finalProj;
    private final Tensor positions; // (1, N, width), fixed

    public DiT(DiTConfig config) {
        this.config = config;
        int w = config.width();
        this.patchEmbed = child("patch_embed", new PatchEmbed(config.patchSize(), config.inChannels(), w));
        this.timeEmbed = child("time_embed", new TimestepEmbedding(config.timeFrequencies(), w, true, 0));
        this.blocks = child("blocks", new ModuleList<>());
        for (int i = 0; i < config.depth(); i++) {
            blocks.add(new DiTBlock(w, config.heads(), config.contextDim(), config.mlpRatio()));
        }
        this.finalNorm = child("final_norm", new LayerNorm(w, 1e-6, false));
        this.finalModulation = child("final_norm_modulation", new Linear(w, 2L * w));
        this.finalProj = child("final_proj", new Linear(w,
                (long) config.patchSize() * config.patchSize() * config.outChannels()));
        this.positions = Tensors.keep(sinCos2d(config.grid(), w));
    }

    @Override
    protected void finishInitialization() {
        zeroParameters(finalModulation);
        zeroParameters(finalProj);
    }

    public DiTConfig config() {
        return config;
    }

    /**
     * x (B, inChannels, S, S), t (B) integer timesteps, context (B, M, contextDim) or null →
     * (B, outChannels, S, S).
     */
    public Tensor forward(Tensor x, Tensor t, Tensor context) {
        Tensor h = patchEmbed.forward(x).add(positions);           // (B, N, width)
        Tensor c = timeEmbed.forward(t);                           // (B, width)
        for (DiTBlock block : blocks) {
            h = block.forward(h, c, context);
        }
        TensorVector m = finalModulation.forward(torch.silu(c)).unsqueeze(1).chunk(2, 2);
        h = finalProj.forward(DiTBlock.modulate(finalNorm.forward(h), m.get(0), m.get(1))); // (B, N, p²·out)
        return PatchEmbed.unpatchify(h, config.patchSize(), config.grid(), config.grid());
    }

    /** Multiply-accumulates of one forward pass for one sample with M context tokens. */
    public long macs(long contextTokens) {
        long n = config.tokens();
        long m = patchEmbed.macs(n) + (long) config.timeFrequencies() * config.width()
                + (long) config.width() * config.width();
        for (DiTBlock b : blocks) {
            m += b.macs(n, contextTokens, config.contextDim());
        }
        return m + n * finalProj.inFeatures * finalProj.outFeatures + finalModulation.inFeatures * finalModulation.outFeatures;
    }

    /**
     * MAE/DiT's fixed 2-D sin-cos positions: the first half of the width encodes the row, the second the column,
     * each as [sin(pos·ω_k), cos(pos·ω_k)] with ω_k = 10000^(−k/(width/4)). Returns (1, grid², width).
     */
    static Tensor sinCos2d(int grid, int width) {
        int quarter = width / 4;
        float[] out = new float[grid * grid * width];
        for (int r = 0; r < grid; r++) {
            for (int col = 0; col < grid; col++) {
                int base = (r * grid + col) * width;
                for (int k = 0; k < quarter; k++) {
                    double omega = Math.pow(10000, -(double) k / quarter);
                    out[base + k] = (float) Math.sin(r * omega);
                    out[base + quarter + k] = (float) Math.cos(r * omega);
                    out[base + 2 * quarter + k] = (float) Math.sin(col * omega);
                    out[base + 3 * quarter + k] = (float) Math.cos(col * omega);
                }
            }
        }
        return Tensors.of(out, 1, (long) grid * grid, width);
    }
}
