package dev.retouch.diffusion.dit;

import dev.retouch.core.nn.LayerNorm;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;

/**
 * Patchify with dual PatchNorm (Kumar et al. 2023, "Dual PatchNorm"): non-overlapping p×p patches flattened,
 * LayerNorm → Linear → LayerNorm. (A ViT's strided convolution equals the linear map; the two norms are the
 * paper's change.) Children {@code norm_in}, {@code proj}, {@code norm_out}.
 */
final class PatchEmbed extends Module {
    private final int patch;
    private final LayerNorm normIn;
    private final Linear proj;
    private final LayerNorm normOut;

    public PatchEmbed(int patch, int inChannels, int width) {
        this.patch = patch;
        long flat = (long) patch * patch * inChannels;
        this.normIn = child("norm_in", new LayerNorm(flat));
        this.proj = child("proj", new Linear(flat, width));
        this.normOut = child("norm_out", new LayerNorm(width));
    }

    /** (B, C, H, W) → (B, (H/p)·(W/p), width). */
    public Tensor forward(Tensor x) {
        return normOut.forward(proj.forward(normIn.forward(patchify(x, patch))));
    }

    /** (B, C, H, W) → (B, (H/p)·(W/p), p·p·C), tokens row-major, each patch flattened as (p, p, C). */
    public static Tensor patchify(Tensor x, int p) {
        long b = x.size(0);
        long c = x.size(1);
        long h = x.size(2) / p;
        long w = x.size(3) / p;
        return x.reshape(b, c, h, p, w, p).permute(0, 2, 4, 3, 5, 1).reshape(b, h * w, (long) p * p * c);
    }

    /** The inverse of {@link #patchify}: (B, h·w, p·p·C) → (B, C, h·p, w·p). */
    public static Tensor unpatchify(Tensor tokens, int p, int h, int w) {
        long b = tokens.size(0);
        long c = tokens.size(2) / ((long) p * p);
        return tokens.reshape(b, h, w, p, p, c).permute(0, 5, 1, 3, 2, 4).reshape(b, c, (long) h * p, (long) w * p);
    }

    long macs(long tokens) {
        return tokens * proj.inFeatures * proj.outFeatures;
    }
}
