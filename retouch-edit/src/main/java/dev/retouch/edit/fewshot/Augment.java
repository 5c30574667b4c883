package dev.retouch.edit.fewshot;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Applies an {@link AugmentConfig} to a batch of pairs: the same flip, colour jitter and affine warp for both images
 * of each sample. Every draw comes from the run's generator, in a fixed order (flip, jitter, affine), so a resumed
 * run repeats it exactly. Affine warps sample bilinearly with border padding (a white emoji background stays white).
 */
final class Augment {
    private Augment() {
    }

    /** The augmented pair. */
    record Pair(Tensor x, Tensor y) {
    }

    /** x, y (B, 3, H, W) in [−1, 1] → the augmented pair. */
    static Pair apply(Tensor x, Tensor y, AugmentConfig c, Generator gen) {
        long b = x.size(0);
        Tensor flip = Tensors.rand(gen, b, 1, 1, 1).lt(Tensors.s(0.5)).to(torch.ScalarType.Float);
        Tensor jitter = Tensors.rand(gen, b, 3).mul(Tensors.s(2)).sub(Tensors.s(1)).mul(Tensors.s(c.jitter()));
        Tensor affine = Tensors.rand(gen, b, 5);
        if (c.flip()) {
            x = mix(x.flip(3), x, flip);
            y = mix(y.flip(3), y, flip);
        }
        if (c.jitter() > 0) {
            x = jitter(x, jitter);
            y = jitter(y, jitter);
        }
        if (c.affineProbability() > 0) {
            Tensor theta = theta(affine, c);
            x = warp(x, theta);
            y = warp(y, theta);
        }
        return new Pair(x, y);
    }

    /** where(coin, a, b) for a (B, 1, 1, 1) coin of 0/1. */
    private static Tensor mix(Tensor a, Tensor b, Tensor coin) {
        return a.mul(coin).add(b.mul(coin.neg().add(Tensors.s(1))));
    }

    /** Brightness, contrast and saturation factors 1 + factors[:, k] in [0, 1] space (clamped), back to [−1, 1]. */
    private static Tensor jitter(Tensor x, Tensor factors) {
        long b = x.size(0);
        Tensor f = factors.add(Tensors.s(1)).reshape(b, 3, 1, 1, 1);
        Tensor u = x.add(Tensors.s(1)).mul(Tensors.s(0.5)).mul(f.select(1, 0));                  // brightness
        Tensor mean = u.mean(new long[]{1, 2, 3}, true, new ScalarTypeOptional());
        u = u.sub(mean).mul(f.select(1, 1)).add(mean);                                            // contrast
        Tensor grey = u.narrow(1, 0, 1).mul(Tensors.s(0.299)).add(u.narrow(1, 1, 1).mul(Tensors.s(0.587)))
                .add(u.narrow(1, 2, 1).mul(Tensors.s(0.114)));
        u = u.sub(grey).mul(f.select(1, 2)).add(grey);                                            // saturation
        u = u.clamp(new ScalarOptional(Tensors.s(0)), new ScalarOptional(Tensors.s(1)));
        return u.mul(Tensors.s(2)).sub(Tensors.s(1));
    }

    /**
     * The (B, 2, 3) matrices mapping output to input coordinates: zoom s, rotation φ, shift t, or the identity for
     * the samples whose coin (column 4) exceeds the probability.
     */
    static Tensor theta(Tensor u, AugmentConfig c) {
        float[] r = Tensors.toFloats(u);
        int b = r.length / 5;
        float[] th = new float[b * 6];
        for (int i = 0; i < b; i++) {
            boolean on = r[5 * i + 4] < c.affineProbability();
            double phi = on ? Math.toRadians(c.degrees() * (2 * r[5 * i] - 1)) : 0;
            double s = on ? 1 + c.scale() * (2 * r[5 * i + 1] - 1) : 1;
            double tx = on ? 2 * c.translate() * (2 * r[5 * i + 2] - 1) : 0;
            double ty = on ? 2 * c.translate() * (2 * r[5 * i + 3] - 1) : 0;
            double cos = Math.cos(phi) / s;
            double sin = Math.sin(phi) / s;
            float[] m = {(float) cos, (float) -sin, (float) tx, (float) sin, (float) cos, (float) ty};
            System.arraycopy(m, 0, th, 6 * i, 6);
        }
        return Tensors.of(th, b, 2, 3);
    }

    private static Tensor warp(Tensor x, Tensor theta) {
        Tensor grid = torch.affine_grid_generator(theta, new long[]{x.size(0), x.size(1), x.size(2), x.size(3)}, false);
        return torch.grid_sampler(x, grid, 0, 1, false);
    }
}
