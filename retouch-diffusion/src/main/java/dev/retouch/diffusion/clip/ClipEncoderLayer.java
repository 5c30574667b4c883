package dev.retouch.diffusion.clip;

import dev.retouch.core.nn.LayerNorm;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * transformers' {@code CLIPEncoderLayer} (pre-norm): h = x + self_attn(layer_norm1(x)),
 * out = h + mlp.fc2(act(mlp.fc1(layer_norm2(h)))).
 */
final class ClipEncoderLayer extends Module {
    private final ClipAttention selfAttn;
    private final LayerNorm layerNorm1;
    private final Linear fc1;
    private final Linear fc2;
    private final LayerNorm layerNorm2;
    private final ClipConfig.Activation activation;

    ClipEncoderLayer(int width, int heads, int mlpWidth, double eps, ClipConfig.Activation activation) {
        this.selfAttn = child("self_attn", new ClipAttention(width, heads));
        this.layerNorm1 = child("layer_norm1", new LayerNorm(width, eps, true));
        Container mlp = child("mlp", new Container());
        this.fc1 = mlp.add("fc1", new Linear(width, mlpWidth));
        this.fc2 = mlp.add("fc2", new Linear(mlpWidth, width));
        this.layerNorm2 = child("layer_norm2", new LayerNorm(width, eps, true));
        this.activation = activation;
    }

    /** x (B, N, D), additive mask or null → (B, N, D). */
    Tensor forward(Tensor x, Tensor mask) {
        Tensor h = x.add(selfAttn.forward(layerNorm1.forward(x), mask));
        Tensor m = fc1.forward(layerNorm2.forward(h));
        m = activation == ClipConfig.Activation.QUICK_GELU
                ? m.mul(torch.sigmoid(m.mul(Tensors.s(1.702)))) : torch.gelu(m);
        return h.add(fc2.forward(m));
    }
}
