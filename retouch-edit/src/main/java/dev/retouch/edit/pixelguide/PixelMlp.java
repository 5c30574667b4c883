package dev.retouch.edit.pixelguide;

import dev.retouch.core.nn.BatchNorm1d;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * The per-pixel classifier of DatasetDDPM-R (Baranchuk et al. 2022; paper 004 §3.2): {@code Linear → ReLU → BN →
 * Linear → ReLU → BN → Linear}, applied to every pixel's feature vector. Named {@code layers.0 … layers.6} as the
 * official {@code nn.Sequential}.
 */
public final class PixelMlp extends Module {
    private final Linear l0;
    private final BatchNorm1d b2;
    private final Linear l3;
    private final BatchNorm1d b5;
    private final Linear l6;

    public PixelMlp(int features, int hidden1, int hidden2, int classes) {
        ModuleList<Module> layers = child("layers", new ModuleList<>());
        this.l0 = new Linear(features, hidden1);
        this.b2 = new BatchNorm1d(hidden1);
        this.l3 = new Linear(hidden1, hidden2);
        this.b5 = new BatchNorm1d(hidden2);
        this.l6 = new Linear(hidden2, classes);
        layers.add(l0).add(new Relu()).add(b2).add(l3).add(new Relu()).add(b5).add(l6);
    }

    /** Pixel features (N, F) → class logits (N, C). */
    public Tensor forward(Tensor x) {
        Tensor h = b2.forward(torch.relu(l0.forward(x)));
        h = b5.forward(torch.relu(l3.forward(h)));
        return l6.forward(h);
    }

    /** Feature maps (B, F, H, W) → logits (B, C, H, W). */
    public Tensor forwardMap(Tensor features) {
        long b = features.size(0);
        long f = features.size(1);
        long h = features.size(2);
        long w = features.size(3);
        Tensor pixels = features.permute(0, 2, 3, 1).reshape(b * h * w, f);
        return forward(pixels).reshape(b, h, w, -1).permute(0, 3, 1, 2);
    }

    /** A parameter-free placeholder keeping the official layer numbering (ReLU at 1 and 4). */
    private static final class Relu extends Module {
    }
}
