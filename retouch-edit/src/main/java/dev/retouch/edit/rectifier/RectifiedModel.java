package dev.retouch.edit.rectifier;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.pipeline.Denoiser;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.function.Function;
import java.util.List;
import java.util.Map;

/**
 * A frozen pixel model with a rectifier (paper 002 Eq. 1–2): at x_t the base model first estimates x̂₀ (without
 * gradients, clipped as its schedule asks); the rectifier reads [x₀, x̂₀] and t and modulates every convolution of
 * the UNet's middle and up blocks, θ̂ = θ·(1 + Δ), for a second pass whose output is the rectified prediction.
 * The base weights are never changed (the modulation is per call and per thread).
 */
public final class RectifiedModel {
    private final PixelDiffusionModel base;
    private final Rectifier rectifier;
    private final Map<String, Conv2d> layers;

    public RectifiedModel(PixelDiffusionModel base, Rectifier rectifier) {
        this.base = base;
        this.rectifier = rectifier;
        this.layers = RectifierConfig.convolutions(base.unet());
        List<RectifierConfig.Layer> want = RectifierConfig.modulatedLayers(base.unet());
        List<RectifierConfig.Layer> have = rectifier.config().layers();
        for (int i = 0; i < Math.max(want.size(), have.size()); i++) {
            RectifierConfig.Layer w = i < want.size() ? want.get(i) : null;
            RectifierConfig.Layer h = i < have.size() ? have.get(i) : null;
            if (!java.util.Objects.equals(w, h)) {
                throw new IllegalArgumentException("the rectifier was made for another UNet: its layer " + (i + 1)
                        + " is " + describe(h) + ", this UNet's is " + describe(w));
            }
        }
    }

    /**
     * The model in {@code modelDir} with the rectifier in {@code rectifierDir}, which must have been trained for
     * that model ({@code byName} resolves a base given by name, e.g. a model store's {@code resolve}).
     *
     * @throws InvalidRequestException when the rectifier belongs to another model
     */
    public static RectifiedModel of(PixelDiffusionModel model, Path modelDir, Path rectifierDir,
                                    Function<String, Path> byName) {
        Rectifier r = Rectifier.load(rectifierDir);
        Path base = Rectifier.baseDir(rectifierDir, r.config(), byName);
        if (!base.toAbsolutePath().normalize().equals(modelDir.toAbsolutePath().normalize())) {
            throw new InvalidRequestException("the rectifier " + rectifierDir + " was trained for " + base
                    + ", not for " + modelDir);
        }
        try {
            return new RectifiedModel(model, r);
        } catch (IllegalArgumentException e) {
            throw new RetouchException(rectifierDir + ": " + e.getMessage(), e);
        }
    }

    private static String describe(RectifierConfig.Layer l) {
        return l == null ? "missing" : l.name() + " (" + l.out() + "×" + l.in() + "×" + l.kernel() + "×" + l.kernel() + ")";
    }

    public PixelDiffusionModel base() {
        return base;
    }

    public Rectifier rectifier() {
        return rectifier;
    }

    /**
     * The rectified model as the sampling loop sees it, compensating towards {@code x0} (B, 3, S, S): every image of
     * a batch at the loop's timestep.
     */
    public Denoiser denoiser(Tensor x0) {
        return (x, t) -> {
            int[] ts = new int[(int) x.size(0)];
            java.util.Arrays.fill(ts, t);
            return forward(x, ts, x0);
        };
    }

    /**
     * Reconstruction (paper 002's setting): DDIM inversion of x₀ over {@code steps} steps, then η = 0 DDIM sampling
     * over the same timesteps, both with the rectified model (x̂₀ unclipped on the sampling side, as
     * {@link PixelPipelines#reconstruct}). Inverting with the base model and regenerating with the rectified one
     * breaks the inverse pairing (measured: 26.7 dB against the base's 31.4 dB at 50 steps).
     */
    public PixelPipelines.Reconstruction reconstruct(Tensor x0, int steps, LoopHooks hooks) {
        return PixelPipelines.reconstruct(base, denoiser(x0), x0, steps, hooks);
    }

    /** The timesteps as the (B) long tensor the networks take. */
    static Tensor timesteps(int[] t) {
        long[] v = new long[t.length];
        for (int i = 0; i < t.length; i++) {
            v[i] = t[i];
        }
        return Tensor.create(v, t.length);
    }

    /**
     * The rectified model output at x_t (the base model's prediction type).
     *
     * @param xt noisy images (B, 3, S, S)
     * @param t  one timestep per image
     * @param x0 the original images the rectifier compensates towards (B, 3, S, S)
     */
    public Tensor forward(Tensor xt, int[] t, Tensor x0) {
        Tensor tt = timesteps(t);
        NoiseSchedule schedule = base.schedule();
        UNet2DModel unet = base.unet();
        UNet2DModel.Encoded down;
        Tensor x0hat;
        try (NoGradGuard ignored = new NoGradGuard()) {
            // the offsets touch only the middle and up blocks: both passes share the down path, computed once
            down = unet.encode(xt, tt);
            x0hat = schedule.maybeClip(schedule.predictX0(unet.decode(down), xt, t));
        }
        Map<String, Tensor> deltas = rectifier.forward(x0, x0hat, tt);
        Map<Conv2d, Tensor> offsets = new HashMap<>();
        deltas.forEach((name, d) -> offsets.put(layers.get(name), d));
        return Conv2d.modulated(offsets, () -> unet.decode(down));
    }
}
