package dev.retouch.edit.fewshot;

import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.pipeline.DenoiseLoop;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.schedule.DDIMScheduler;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Applies a trained {@link FewshotModel} to a new image x_j (paper §3.2: "x_i, y_i are still random training
 * samples, while x_j refers to the image need to be edited"). Per chain, s source pairs are drawn from the training
 * pairs with the request's generator (for n = 1 the source is x_j itself with an unknown, zero latent); then a
 * deterministic DDIM chain runs over {@link SamplingConfig#timesteps}, its sample being the s noised source latents
 * side by side, started at √ᾱ·E(y_i) + √(1−ᾱ)·ε, each step taking M_y's x₀-prediction of E(y_j) as the x₀ of every
 * slot. The last prediction is decoded with the skips of x_j; the chains of an ensemble are averaged in pixels.
 */
public final class FewshotSampler {
    private FewshotSampler() {
    }

    /**
     * The edited images and the training pairs each chain drew as sources.
     *
     * @param image   ŷ_j (B, 3, H, W) in [−1, 1]
     * @param sources per chain (chain-major: chain c of image b is row c·B + b), the indices of its source pairs;
     *                empty rows for n = 1
     */
    public record Sampled(Tensor image, int[][] sources) {
    }

    /** x_j (B, 3, H, W) in [−1, 1] → ŷ_j (B, 3, H, W) and the sources drawn. */
    public static Sampled edit(FewshotModel model, Tensor xj, PairTensors pairs, SamplingConfig sampling, Generator gen) {
        return edit(model, xj, pairs, sampling, gen, null);
    }

    /** {@link #edit(FewshotModel, Tensor, PairTensors, SamplingConfig, Generator)}, telling {@code listener}. */
    public static Sampled edit(FewshotModel model, Tensor xj, PairTensors pairs, SamplingConfig sampling, Generator gen,
                               StepListener listener) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            long b = xj.size(0);
            int k = sampling.ensemble();
            Tensor x = xj.repeat(k, 1, 1, 1);                               // (k·B, 3, H, W), chain-major
            Sources src = drawSources(model, x, pairs, gen);
            FewshotModel.Condition cond = model.condition(src.images(), x);
            int[] ts = sampling.timesteps(model.schedule().numTrainTimesteps());
            DDIMScheduler ddim = new DDIMScheduler(model.schedule(), ts, 0.0);
            Tensor start = model.schedule().addNoise(src.latents(), Tensors.randn(gen, Tensors.shape(src.latents())), ts[0]);
            int s = src.images().size();
            Tensor z = DenoiseLoop.run((zt, t) -> model.predict(zt, timestep(t, zt.size(0)), cond).repeat(1, s, 1, 1),
                    ddim, start, gen, LoopHooks.progress(listener));
            long c = model.config().autoencoder().latentChannels();
            Tensor y = model.decode(z.narrow(1, 0, c), cond, gen);         // (k·B, 3, H, W)
            Tensor mean = y.reshape(k, b, y.size(1), y.size(2), y.size(3)).mean(new long[]{0}, false,
                    new org.bytedeco.pytorch.ScalarTypeOptional());
            return new Sampled(mean.clamp(new ScalarOptional(Tensors.s(-1)), new ScalarOptional(Tensors.s(1))),
                    src.indices());
        }
    }

    /**
     * The autoencoder's ceiling for targets y_j: D(E(y_j)) with the skips of x_j and no injected noise, i.e. the
     * output M_y would give if its prediction of E(y_j) were exact. An oracle (it reads y_j), for diagnosis only.
     */
    public static Tensor reconstructTarget(FewshotModel model, Tensor xj, Tensor yj) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            SkipAutoencoder ae = model.autoencoder();
            Tensor y = ae.decode(ae.encode(yj).latent(), ae.encode(xj).skips(), null);
            return y.clamp(new ScalarOptional(Tensors.s(-1)), new ScalarOptional(Tensors.s(1)));
        }
    }

    /** The source images (s × (k·B, 3, H, W)), their latents side by side ((k·B, s·c, h, w)), their indices. */
    private record Sources(List<Tensor> images, Tensor latents, int[][] indices) {
    }

    private static Sources drawSources(FewshotModel model, Tensor x, PairTensors pairs, Generator gen) {
        FewshotConfig c = model.config();
        long n = x.size(0);
        if (c.groupSize() == 1) {
            long side = c.latentSize();
            return new Sources(List.of(x), torch.zeros(n, c.autoencoder().latentChannels(), side, side),
                    new int[(int) n][0]);
        }
        List<Tensor> images = new ArrayList<>();
        List<Tensor> targets = new ArrayList<>();
        int[][] indices = new int[(int) n][c.sources()];
        for (int k = 0; k < c.sources(); k++) {
            Tensor i = torch.randint(pairs.count(), new long[]{n}, new GeneratorOptional(gen),
                    new TensorOptions(torch.ScalarType.Long));
            long[] drawn = Tensors.toLongs(i);
            for (int r = 0; r < n; r++) {
                indices[r][k] = (int) drawn[r];
            }
            images.add(pairs.x().index_select(0, i));
            targets.add(pairs.y().index_select(0, i));
        }
        Tensor z = model.encode(Tensors.cat(0, targets.toArray(new Tensor[0])));   // (s·n, c, h, w)
        Tensor[] slots = new Tensor[c.sources()];
        for (int k = 0; k < slots.length; k++) {
            slots[k] = z.narrow(0, k * n, n);
        }
        return new Sources(images, Tensors.cat(1, slots), indices);
    }

    private static Tensor timestep(int t, long batch) {
        long[] v = new long[(int) batch];
        java.util.Arrays.fill(v, t);
        return Tensors.ofLongs(v, batch);
    }
}
