package dev.retouch.edit.fewshot;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.Init;
import dev.retouch.core.nn.LayerNorm;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * M_e (paper §3.2): embeds the transformation [F, C] into tokens for M_y's cross-attention. Stride-2 3×3
 * convolutions with SiLU between them take the (B, 4, H, W) field down to a grid×grid map of {@code width}
 * channels; its cells become tokens, with a learned position embedding and a final LayerNorm.
 */
final class FlowEmbedding extends Module {
    private final ModuleList<Conv2d> convs = new ModuleList<>();
    private final Tensor positions;
    private final LayerNorm norm;
    private final int imageSize;

    FlowEmbedding(int imageSize, int grid, int width) {
        this.imageSize = imageSize;
        child("convs", convs);
        int steps = Integer.numberOfTrailingZeros(imageSize / grid);
        int in = 4;
        for (int k = 0; k < steps; k++) {
            int out = k == steps - 1 ? width : Math.min(width, 32 << k);
            convs.add(new Conv2d(in, out, 3, 2, 1));
            in = out;
        }
        this.positions = parameter("positions", torch.zeros(1, (long) grid * grid, width));
        this.norm = child("norm", new LayerNorm(width));
    }

    @Override
    protected void resetParameters(Generator gen) {
        Init.normal(positions, 0.02, gen);
    }

    /** [F, C] features (B, 4, H, W) → tokens (B, grid², width). */
    Tensor forward(Tensor field) {
        Tensor h = field;
        for (int k = 0; k < convs.size(); k++) {
            h = convs.get(k).forward(h);
            if (k < convs.size() - 1) {
                h = torch.silu(h);
            }
        }
        Tensor tokens = h.flatten(2, 3).transpose(1, 2); // (B, grid², width)
        return norm.forward(tokens.add(positions));
    }

    long macs() {
        long m = 0;
        long side = imageSize;
        for (Conv2d c : convs) {
            m += c.macs(side, side);
            side /= 2;
        }
        return m;
    }
}
