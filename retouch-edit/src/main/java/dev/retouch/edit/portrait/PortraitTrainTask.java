package dev.retouch.edit.portrait;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.train.DiffusionLoss;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * Paper 003 §3.3's training of the multi-conditioned model on generated pairs (x_A, x_B, p_b): the denoising
 * objective on x_B's latent with the conditions of x_A — spatial c_s = E(x_A), image tokens c_im = adapter(E(x_A),
 * CLIP_im(x_A)), text c_p = p_b's states — and two departures from plain training:
 * <ul>
 *   <li>with probability {@link #RECONSTRUCTION} a sample becomes a reconstruction: x_B := x_A and p_b := p_a, so
 *       that the model can rebuild its input (what the mask and Eq. 3 need);</li>
 *   <li>with probability {@link #DROPOUT} one of the seven non-empty combinations of {c_s, c_im, c_p}, chosen
 *       uniformly, is replaced by the null conditions (zero latent, zero image tokens, the empty prompt), so that
 *       every term of the three-scale guidance is a trained model. (The official code drops only four of the seven
 *       and never the pair {c_s, c_p}, which its own guidance evaluates.)</li>
 * </ul>
 * A variant without a condition always feeds its null. Every draw comes from the run's generator.
 */
public final class PortraitTrainTask implements TrainingTask {
    public static final double RECONSTRUCTION = 0.05;
    public static final double DROPOUT = 0.2;

    /**
     * The training set, precomputed.
     *
     * @param source       source latents (N, C, h, w)
     * @param target       target latents (N, C, h, w)
     * @param clipTokens   the sources' CLIP vision tokens (N, K, D)
     * @param targetText   the target prompts' states (N, M, D)
     * @param sourceText   p_a's states (1, M, D)
     * @param emptyText    the empty prompt's states (1, M, D)
     */
    public record Data(Tensor source, Tensor target, Tensor clipTokens, Tensor targetText, Tensor sourceText,
                       Tensor emptyText) {
        public Data {
            long n = source.size(0);
            if (!java.util.Arrays.equals(Tensors.shape(source), Tensors.shape(target)) || clipTokens.size(0) != n
                    || targetText.size(0) != n || sourceText.size(0) != 1 || emptyText.size(0) != 1) {
                throw new IllegalArgumentException("inconsistent portrait training data: " + Tensors.shapeString(source)
                        + ", " + Tensors.shapeString(target) + ", " + Tensors.shapeString(clipTokens) + ", "
                        + Tensors.shapeString(targetText) + ", " + Tensors.shapeString(sourceText));
            }
            source = Tensors.keep(source);
            target = Tensors.keep(target);
            clipTokens = Tensors.keep(clipTokens);
            targetText = Tensors.keep(targetText);
            sourceText = Tensors.keep(sourceText);
            emptyText = Tensors.keep(emptyText);
        }

        public long size() {
            return source.size(0);
        }
    }

    private final Mcdm mcdm;
    private final NoiseSchedule schedule;
    private final Data data;
    private final PortraitConfig.Variant variant;

    public PortraitTrainTask(Mcdm mcdm, NoiseSchedule schedule, Data data, PortraitConfig.Variant variant) {
        this.mcdm = mcdm;
        this.schedule = schedule;
        this.data = data;
        this.variant = variant;
    }

    @Override
    public Module model() {
        return mcdm;
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        GeneratorOptional g = new GeneratorOptional(gen);
        TensorOptions longs = new TensorOptions(torch.ScalarType.Long);
        Tensor idx = torch.randint(data.size(), new long[]{batchSize}, g, longs);
        Tensor recon = Tensors.rand(gen, batchSize).lt(Tensors.s(RECONSTRUCTION));
        Tensor drop = Tensors.rand(gen, batchSize).lt(Tensors.s(DROPOUT));
        Tensor subset = torch.randint(1, 8, new long[]{batchSize}, g, longs).mul(drop.to(torch.ScalarType.Long));

        Tensor src = data.source().index_select(0, idx);
        Tensor z0 = torch.where(recon.reshape(batchSize, 1, 1, 1), src, data.target().index_select(0, idx));
        Tensor text = torch.where(recon.reshape(batchSize, 1, 1), data.sourceText().expand(batchSize, -1, -1),
                data.targetText().index_select(0, idx));
        long[] dropped = Tensors.toLongs(subset);
        Tensor keepS = keep(dropped, 1, variant.spatial()).reshape(batchSize, 1, 1, 1);
        Tensor keepI = keep(dropped, 2, variant.imageEmbeddings()).reshape(batchSize, 1, 1);
        Tensor keepT = keep(dropped, 4, true).reshape(batchSize, 1, 1);
        text = torch.where(keepT.gt(Tensors.s(0.5)), text, data.emptyText().expand(batchSize, -1, -1));
        Tensor image = mcdm.adapter().forward(src, data.clipTokens().index_select(0, idx)).mul(keepI);
        Tensor spatial = src.mul(keepS);

        DiffusionLoss.Noised n = DiffusionLoss.noise(schedule, z0, gen);
        return n.loss(mcdm.forward(n.zt(), n.timesteps(), spatial, text, image), z0, schedule, 0);
    }

    /** 1 where the condition of {@code bit} is kept (not in the dropped subset, and the variant has it), else 0. */
    static Tensor keep(long[] dropped, int bit, boolean has) {
        float[] k = new float[dropped.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = has && (dropped[i] & bit) == 0 ? 1f : 0f;
        }
        return Tensors.of(k, k.length);
    }
}
