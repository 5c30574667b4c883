package dev.retouch.edit.sine;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.train.TrainingTask;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import dev.retouch.diffusion.vae.AutoencoderKL;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * SINE's fine-tuning objective (§3.3): the latent diffusion loss ‖ε − ε̂_θ(z_t, t, τ(ĉ), F(v))‖² of the fine-tuned
 * copy on the single image with the prompt ĉ = "a photo of a sks &lt;class&gt;". With {@link Variant#PATCHES} every
 * sample is a random {@link CropBox} of the image resized to the training size, encoded by the (frozen) autoencoder,
 * with the crop box's part of the {@link PositionalGrid} added after conv_in; with {@link Variant#NO_PATCHES} it is
 * the whole image without an embedding (DreamBooth-style, the paper's "w/o pos"). No caption dropout: the
 * unconditional branch at sampling time comes from the pretrained model. Every draw comes from the run's generator.
 */
final class SineFinetuneTask implements TrainingTask {
    private final UNet2DConditionModel unet;
    private final NoiseSchedule schedule;
    private final AutoencoderKL vae;
    private final Tensor image;      // (1, 3, S, S) in [−1, 1]
    private final Tensor state;      // (1, M, D) states of ĉ
    private final PositionalGrid grid;
    private final Variant variant;
    private final double minCropFraction;
    private final Tensor wholeLatent; // (1, C, h, w) the whole image's latent

    public SineFinetuneTask(UNet2DConditionModel unet, NoiseSchedule schedule, AutoencoderKL vae, Tensor image,
                            Tensor state, SineConfig config) {
        long[] s = Tensors.shape(image);
        if (s.length != 4 || s[0] != 1 || s[1] != 3 || s[2] != config.imageSize() || s[3] != config.imageSize()) {
            throw new IllegalArgumentException("the image must be (1, 3, " + config.imageSize() + ", "
                    + config.imageSize() + "), found " + Tensors.shapeString(image));
        }
        this.unet = unet;
        this.schedule = schedule;
        this.vae = vae;
        this.image = Tensors.keep(image);
        this.state = Tensors.keep(state);
        this.grid = config.positional().grid();
        this.variant = config.variant();
        this.minCropFraction = config.minCropFraction();
        try (NoGradGuard ignored = new NoGradGuard()) {
            this.wholeLatent = Tensors.keep(vae.encodeLatents(image));
        }
        if (wholeLatent.size(2) != grid.height() || wholeLatent.size(3) != grid.width()) {
            throw new IllegalArgumentException("the positional grid is " + grid.height() + "×" + grid.width()
                    + " but the image's latent is " + Tensors.shapeString(wholeLatent));
        }
    }

    @Override
    public Module model() {
        return unet;
    }

    /** The (1, 3, S, S) pixels of {@code box} (cells of the latent grid) resized to the training size. */
    Tensor cropImage(CropBox box) {
        long size = image.size(2);
        long f = size / grid.height();
        Tensor part = image.narrow(2, box.top() * f, box.height() * f).narrow(3, box.left() * f, box.width() * f);
        if (part.size(2) == size && part.size(3) == size) {
            return part;
        }
        return torch.upsample_bilinear2d(part.contiguous(), new long[]{size, size}, false);
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        Tensor z0;          // (B, C, h, w)
        Tensor pos = null;  // (B, D, h, w)
        if (variant == Variant.PATCHES) {
            Tensor[] crops = new Tensor[batchSize];
            Tensor[] pes = new Tensor[batchSize];
            for (int i = 0; i < batchSize; i++) {
                CropBox box = CropBox.sample(grid.height(), grid.width(), minCropFraction, gen);
                crops[i] = cropImage(box);
                pes[i] = grid.crop(box, grid.height(), grid.width());
            }
            try (NoGradGuard ignored = new NoGradGuard()) {
                z0 = vae.encodeLatents(Tensors.cat(0, crops));
            }
            pos = Tensors.cat(0, pes);
        } else {
            z0 = wholeLatent.expand(batchSize, -1, -1, -1).contiguous();
        }
        TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
        Tensor tTensor = torch.randint(schedule.numTrainTimesteps(), new long[]{batchSize}, new GeneratorOptional(gen),
                longs);
        long[] tv = Tensors.toLongs(tTensor);
        int[] t = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            t[i] = (int) tv[i];
        }
        Tensor noise = Tensors.randn(gen, Tensors.shape(z0));
        Tensor zt = schedule.addNoise(z0, noise, t);
        Tensor c = state.expand(batchSize, -1, -1).contiguous();
        Tensor out = unet.forward(zt, tTensor, c, pos);
        return torch.mse_loss(out, schedule.target(z0, noise, t));
    }
}
