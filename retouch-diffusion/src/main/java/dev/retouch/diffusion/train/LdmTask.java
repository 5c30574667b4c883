package dev.retouch.diffusion.train;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The latent diffusion objective (Rombach et al. 2022, Eq. 2) on precomputed latents and caption states: z₀ and
 * its caption's states c drawn uniformly from the data, t uniform in [0, T), ε ~ N(0, I),
 * loss = ‖target − ε_θ(√ᾱ_t·z₀ + √(1−ᾱ_t)·ε, t, c)‖² (the target of the schedule's prediction type). With
 * probability {@code captionDropout} c is replaced by the empty prompt's states, so that the same network also
 * learns the unconditional model that classifier-free guidance needs (Ho &amp; Salimans 2022, Alg. 1). No flips:
 * captions such as "left arrow" describe the orientation. Every draw comes from the run's generator. The loss is
 * optionally Min-SNR-γ weighted ({@link DiffusionLoss}).
 */
public final class LdmTask implements TrainingTask {
    private final UNet2DConditionModel unet;
    private final NoiseSchedule schedule;
    private final LdmData data;
    private final double captionDropout;
    private final double minSnrGamma;

    /** The plain objective (unweighted MSE). */
    public LdmTask(UNet2DConditionModel unet, NoiseSchedule schedule, LdmData data, double captionDropout) {
        this(unet, schedule, data, captionDropout, 0);
    }

    /** @param minSnrGamma γ of Min-SNR weighting, 0 for the plain MSE */
    public LdmTask(UNet2DConditionModel unet, NoiseSchedule schedule, LdmData data, double captionDropout,
                   double minSnrGamma) {
        if (!(minSnrGamma >= 0)) {
            throw new IllegalArgumentException("Min-SNR gamma must be >= 0 (0: off), got " + minSnrGamma);
        }
        if (!(captionDropout >= 0 && captionDropout <= 1)) {
            throw new IllegalArgumentException("caption dropout must be in [0, 1], got " + captionDropout);
        }
        long[] z = Tensors.shape(data.latents());
        if (z[1] != unet.config().inChannels() || data.states().size(2) != unet.config().crossAttentionDim()) {
            throw new IllegalArgumentException("the UNet reads " + unet.config().inChannels() + " channels and "
                    + unet.config().crossAttentionDim() + "-wide states, but the data has latents "
                    + Tensors.shapeString(data.latents()) + " and states " + Tensors.shapeString(data.states()));
        }
        this.unet = unet;
        this.schedule = schedule;
        this.data = data;
        this.captionDropout = captionDropout;
        this.minSnrGamma = minSnrGamma;
    }

    @Override
    public Module model() {
        return unet;
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        GeneratorOptional g = new GeneratorOptional(gen);
        TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
        Tensor idx = torch.randint(data.size(), new long[]{batchSize}, g, longs);
        Tensor z0 = data.latents().index_select(0, idx); // (B, C, h, w)
        Tensor c = data.states().index_select(0, idx);   // (B, M, D)
        Tensor drop = Tensors.rand(gen, batchSize, 1, 1).lt(Tensors.s(captionDropout)).to(torch.ScalarType.Float);
        c = c.mul(drop.neg().add(Tensors.s(1))).add(data.emptyState().mul(drop)); // dropped rows → ∅ (B, M, D)
        DiffusionLoss.Noised n = DiffusionLoss.noise(schedule, z0, gen);
        return n.loss(unet.forward(n.zt(), n.timesteps(), c), z0, schedule, minSnrGamma);
    }
}
