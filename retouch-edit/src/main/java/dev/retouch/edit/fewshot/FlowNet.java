package dev.retouch.edit.fewshot;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * M_x (paper §3.2): from the two source-domain images x_i and x_j, the flow F and colour affine C that turn x_i into
 * x_j. A {@link ConvUNet} over [x_i, x_j] (6 channels) predicts (ΔF, ΔC₁, C₂) at half resolution; they are
 * upsampled bilinearly to full resolution (a smooth field costs a quarter of the convolutions), and C₁ = 1 + ΔC₁.
 * The output layer starts at zero, so the untrained M_x predicts the identity transformation.
 */
final class FlowNet extends Module {
    private final ConvUNet net;

    FlowNet(List<Integer> channels) {
        this.net = child("net", new ConvUNet(6, 4, channels, 2, true));
    }

    /** x_i, x_j (B, 3, H, W) → [F, C] at (H, W). */
    FlowField forward(Tensor xi, Tensor xj) {
        Tensor raw = net.forward(Tensors.cat(1, xi, xj));                                  // (B, 4, H/2, W/2)
        raw = torch.upsample_bilinear2d(raw, new long[]{xi.size(2), xi.size(3)}, false);  // (B, 4, H, W)
        Tensor flow = raw.narrow(1, 0, 2);
        Tensor colour = Tensors.cat(1, raw.narrow(1, 2, 1).add(Tensors.s(1)), raw.narrow(1, 3, 1));
        return new FlowField(flow, colour);
    }

    long macs(long h, long w) {
        return net.macs(h, w);
    }
}
