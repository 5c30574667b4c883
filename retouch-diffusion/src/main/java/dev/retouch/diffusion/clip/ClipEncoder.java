package dev.retouch.diffusion.clip;

import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;

/** transformers' {@code CLIPEncoder}: {@code layers.i}. */
final class ClipEncoder extends Module {
    private final ModuleList<ClipEncoderLayer> layers = child("layers", new ModuleList<>());

    ClipEncoder(int width, int layers, int heads, int mlpWidth, double eps, ClipConfig.Activation activation) {
        for (int i = 0; i < layers; i++) {
            this.layers.add(new ClipEncoderLayer(width, heads, mlpWidth, eps, activation));
        }
    }

    Tensor forward(Tensor x, Tensor mask) {
        Tensor h = x;
        for (ClipEncoderLayer layer : layers) {
            h = layer.forward(h, mask);
        }
        return h;
    }
}
