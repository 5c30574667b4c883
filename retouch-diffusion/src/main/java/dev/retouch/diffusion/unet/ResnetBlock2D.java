package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.Dropout;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * diffusers' {@code ResnetBlock2D} ("default" time-embedding norm): h = conv1(SiLU(norm1(x))) + proj(SiLU(temb)),
 * h = conv2(dropout(SiLU(norm2(h)))), out = shortcut(x) + h. A 1×1 {@code conv_shortcut} when channels change.
 */
public final class ResnetBlock2D extends Module {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Dropout dropout;
    private final Conv2d conv2;
    private final Conv2d convShortcut;

    public ResnetBlock2D(int in, int out, int tembDim, int groups, double eps, double dropout) {
        this.norm1 = child("norm1", new GroupNorm(groups, in, eps));
        this.conv1 = child("conv1", new Conv2d(in, out, 3, 1, 1));
        this.timeEmbProj = tembDim > 0 ? child("time_emb_proj", new Linear(tembDim, out)) : null;
        this.norm2 = child("norm2", new GroupNorm(groups, out, eps));
        this.dropout = child("dropout", new Dropout(dropout));
        this.conv2 = child("conv2", new Conv2d(out, out, 3, 1, 1));
        this.convShortcut = in != out ? child("conv_shortcut", new Conv2d(in, out, 1, 1, 0)) : null;
    }

    /** x (B, in, H, W), temb (B, tembDim) or null → (B, out, H, W). */
    public Tensor forward(Tensor x, Tensor temb) {
        return dev.retouch.core.tensor.Tensors.scoped(() -> {
            Tensor h = conv1.forward(torch.silu(norm1.forward(x)));
            if (timeEmbProj != null && temb != null) {
                h = h.add(timeEmbProj.forward(torch.silu(temb)).unsqueeze(-1).unsqueeze(-1));
            }
            h = conv2.forward(dropout.forward(torch.silu(norm2.forward(h))));
            Tensor skip = convShortcut == null ? x : convShortcut.forward(x);
            return skip.add(h);
        });
    }

    long macs(long h, long w) {
        long m = conv1.macs(h, w) + conv2.macs(h, w);
        if (convShortcut != null) {
            m += convShortcut.macs(h, w);
        }
        if (timeEmbProj != null) {
            m += timeEmbProj.inFeatures * timeEmbProj.outFeatures;
        }
        return m;
    }
}
