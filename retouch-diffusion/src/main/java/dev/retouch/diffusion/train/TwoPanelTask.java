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
 * The latent diffusion objective on two-panel canvases (paper 003's pair generation needs a model that renders two
 * related images side by side): a composite's latent is its two images' latents concatenated along the width, and
 * its text condition is, per sample, one of
 * <ul>
 *   <li>the empty prompt (probability {@code captionDropout}, for classifier-free guidance);</li>
 *   <li>the joint caption naming both panels (half of the rest);</li>
 *   <li>the left or the right image's own caption (a quarter of the rest each): what the masked source and target
 *       prompts of Eq. 2 ask of the whole canvas.</li>
 * </ul>
 * Otherwise as {@link LdmTask}: t uniform, ε ~ N(0, I), the schedule's prediction target, optional Min-SNR-γ.
 *
 * @see LdmTask
 */
public final class TwoPanelTask implements TrainingTask {
    /** The composites: the images' latents and caption states and, per composite, its two images and joint states. */
    public record Data(LdmData images, long[] left, long[] right, Tensor jointStates) {
        public Data {
            long n = images.size();
            if (left.length != right.length || left.length == 0 || jointStates.size(0) != left.length
                    || jointStates.dim() != 3 || jointStates.size(1) != images.states().size(1)
                    || jointStates.size(2) != images.states().size(2)) {
                throw new IllegalArgumentException("need as many left and right indices as joint states "
                        + "(P, M, D) shaped as the images' states, found " + left.length + ", " + right.length + ", "
                        + Tensors.shapeString(jointStates));
            }
            for (int i = 0; i < left.length; i++) {
                if (left[i] < 0 || left[i] >= n || right[i] < 0 || right[i] >= n) {
                    throw new IllegalArgumentException("composite " + i + " names an image outside [0, " + n + ")");
                }
            }
            left = left.clone();
            right = right.clone();
            jointStates = Tensors.keep(jointStates);
        }

        public int size() {
            return left.length;
        }
    }

    private final UNet2DConditionModel unet;
    private final NoiseSchedule schedule;
    private final Data data;
    private final Tensor leftIdx;
    private final Tensor rightIdx;
    private final double captionDropout;
    private final double minSnrGamma;

    public TwoPanelTask(UNet2DConditionModel unet, NoiseSchedule schedule, Data data, double captionDropout,
                        double minSnrGamma) {
        if (!(minSnrGamma >= 0)) {
            throw new IllegalArgumentException("Min-SNR gamma must be >= 0 (0: off), got " + minSnrGamma);
        }
        if (!(captionDropout >= 0 && captionDropout <= 1)) {
            throw new IllegalArgumentException("caption dropout must be in [0, 1], got " + captionDropout);
        }
        long[] z = Tensors.shape(data.images().latents());
        if (z[1] != unet.config().inChannels() || data.jointStates().size(2) != unet.config().crossAttentionDim()) {
            throw new IllegalArgumentException("the UNet reads " + unet.config().inChannels() + " channels and "
                    + unet.config().crossAttentionDim() + "-wide states, but the data has latents "
                    + Tensors.shapeString(data.images().latents()) + " and states "
                    + Tensors.shapeString(data.jointStates()));
        }
        this.unet = unet;
        this.schedule = schedule;
        this.data = data;
        this.leftIdx = Tensors.keep(Tensors.ofLongs(data.left(), data.size()));
        this.rightIdx = Tensors.keep(Tensors.ofLongs(data.right(), data.size()));
        this.captionDropout = captionDropout;
        this.minSnrGamma = minSnrGamma;
    }

    @Override
    public Module model() {
        return unet;
    }

    /**
     * The canvas latents (B, C, h, 2w) of composites {@code idx} and their text states (B, M, D) chosen by the
     * uniform draws {@code u} (B, 1, 1) as the class comment says.
     */
    Tensor[] batch(Tensor idx, Tensor u) {
        Tensor l = leftIdx.index_select(0, idx);
        Tensor r = rightIdx.index_select(0, idx);
        Tensor latents = data.images().latents();
        Tensor z0 = torch.cat(new org.bytedeco.pytorch.TensorVector(latents.index_select(0, l),
                latents.index_select(0, r)), 3);
        Tensor states = data.images().states();
        Tensor joint = data.jointStates().index_select(0, idx);
        Tensor leftStates = states.index_select(0, l);
        Tensor rightStates = states.index_select(0, r);
        Tensor empty = data.images().emptyState().expand(Tensors.shape(joint));
        double p = captionDropout;
        double q = (1 - p);
        Tensor c = where(u.lt(Tensors.s(p)), empty,
                where(u.lt(Tensors.s(p + q / 2)), joint,
                        where(u.lt(Tensors.s(p + 3 * q / 4)), leftStates, rightStates)));
        return new Tensor[]{z0, c};
    }

    private static Tensor where(Tensor condition, Tensor a, Tensor b) {
        return torch.where(condition, a, b);
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        GeneratorOptional g = new GeneratorOptional(gen);
        TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
        Tensor idx = torch.randint(data.size(), new long[]{batchSize}, g, longs);
        Tensor u = Tensors.rand(gen, batchSize, 1, 1);
        Tensor[] zc = batch(idx, u);
        DiffusionLoss.Noised n = DiffusionLoss.noise(schedule, zc[0], gen);
        return n.loss(unet.forward(n.zt(), n.timesteps(), zc[1]), zc[0], schedule, minSnrGamma);
    }
}
