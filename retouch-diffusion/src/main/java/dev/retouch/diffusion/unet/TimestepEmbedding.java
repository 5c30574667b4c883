package dev.retouch.diffusion.unet;

import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Sinusoidal timestep features (Transformer positional encoding, as diffusers' {@code get_timestep_embedding})
 * followed by {@code linear_1 → SiLU → linear_2}.
 */
public final class TimestepEmbedding extends Module {
    private final int dim;
    private final boolean flipSinToCos;
    private final int freqShift;
    private final Linear linear1;
    private final Linear linear2;

    public TimestepEmbedding(int dim, int embedDim, boolean flipSinToCos, int freqShift) {
        this.dim = dim;
        this.flipSinToCos = flipSinToCos;
        this.freqShift = freqShift;
        this.linear1 = child("linear_1", new Linear(dim, embedDim));
        this.linear2 = child("linear_2", new Linear(embedDim, embedDim));
    }

    /** t (B) → (B, dim): [sin(t·f_k), cos(t·f_k)] with f_k = exp(−ln(10⁴)·k/(dim/2 − shift)). */
    public static Tensor sinusoidal(Tensor t, int dim, boolean flipSinToCos, int freqShift) {
        int half = dim / 2;
        float[] f = new float[half];
        for (int k = 0; k < half; k++) {
            f[k] = (float) Math.exp(-Math.log(10000.0) * k / (half - freqShift));
        }
        Tensor freqs = Tensors.onDeviceOf(t, Tensors.of(f, 1, half));
        Tensor args = t.to(torch.ScalarType.Float).reshape(-1, 1).mul(freqs); // (B, half)
        Tensor sin = args.sin();
        Tensor cos = args.cos();
        return flipSinToCos ? Tensors.cat(1, cos, sin) : Tensors.cat(1, sin, cos);
    }

    /** t (B) → (B, embedDim). */
    public Tensor forward(Tensor t) {
        // float32 → the weights' type
        Tensor e = sinusoidal(t, dim, flipSinToCos, freqShift).to(Tensors.dtype(linear1.weight()));
        return linear2.forward(torch.silu(linear1.forward(e)));
    }

    long macs() {
        return linear1.inFeatures * linear1.outFeatures + linear2.inFeatures * linear2.outFeatures;
    }
}
