package dev.retouch.diffusion.train;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.ClipModel;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * CLIP's contrastive objective (Radford et al. 2021, Fig. 3): for a batch of B (image, caption) pairs, logits =
 * exp(t)·Î·T̂ᵀ over L2-normalised projections, loss = ½ (CE(logits, diag) + CE(logitsᵀ, diag)); the learned
 * temperature t is clamped to ln 100 as in the paper. Batches are drawn without replacement within a batch so
 * a pair never competes with itself.
 */
public final class ClipTask implements TrainingTask {
    private static final double MAX_LOGIT_SCALE = Math.log(100);
    private final ClipModel model;
    private final Tensor images; // (N, 3, S, S) in [−1, 1]
    private final Tensor ids;    // (N, context) long

    public ClipTask(ClipModel model, Tensor images, Tensor ids) {
        if (images.size(0) != ids.size(0)) {
            throw new IllegalArgumentException(images.size(0) + " images but " + ids.size(0) + " captions");
        }
        this.model = model;
        this.images = Tensors.keep(images);
        this.ids = Tensors.keep(ids);
    }

    @Override
    public Module model() {
        return model;
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        long n = images.size(0);
        Tensor idx = torch.randperm(n, new GeneratorOptional(gen), new TensorOptions(torch.ScalarType.Long))
                .narrow(0, 0, Math.min(batchSize, n));
        Tensor img = ClipModel.normalize(model.imageFeatures(images.index_select(0, idx))); // (B, P)
        Tensor txt = ClipModel.normalize(model.textFeatures(ids.index_select(0, idx)));     // (B, P)
        Tensor scale = model.logitScale().clamp_max(Tensors.s(MAX_LOGIT_SCALE)).exp();
        Tensor logits = img.matmul(txt.t()).mul(scale); // (B, B): image i vs caption j
        Tensor target = Tensors.arange(idx.size(0));
        return torch.cross_entropy_loss(logits, target).add(torch.cross_entropy_loss(logits.t(), target))
                .mul(Tensors.s(0.5));
    }
}
