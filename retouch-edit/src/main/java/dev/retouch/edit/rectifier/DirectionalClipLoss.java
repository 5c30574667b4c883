package dev.retouch.edit.rectifier;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipModel;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * The directional CLIP loss (paper 002 Eq. 4, after Gal et al.'s StyleGAN-NADA): 1 − cos(ΔI, ΔT), where
 * ΔT = Ê_T(target) − Ê_T(source) and ΔI = Ê_I(edited) − Ê_I(original), Ê the unit-normalised projected features.
 * Images are read at the CLIP model's resolution (bilinear resize). The CLIP model is frozen; gradients flow to
 * the edited images only.
 */
public final class DirectionalClipLoss {
    private final ClipModel clip;
    private final Tensor textDirection; // (1, P), unit norm

    /**
     * @throws InvalidRequestException when the two prompts are the same or the text encoder cannot tell them apart
     */
    public DirectionalClipLoss(Clip clip, String source, String target) {
        if (source.strip().equalsIgnoreCase(target.strip())) {
            throw new InvalidRequestException("the source and target prompts are the same (\"" + source.strip()
                    + "\"): there is no direction to edit in");
        }
        this.clip = clip.model();
        clip.model().parameters().forEach(p -> p.requires_grad_(false));
        clip.model().eval();
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor f = ClipModel.normalize(clip.model().textFeatures(clip.tokenize(List.of(source, target)).ids()));
            Tensor d = f.narrow(0, 1, 1).sub(f.narrow(0, 0, 1));
            double norm = d.norm().item_double();
            if (!(norm > 1e-4)) {
                throw new InvalidRequestException("the text encoder maps \"" + source + "\" and \"" + target
                        + "\" to the same features: there is no direction to edit in");
            }
            this.textDirection = Tensors.keep(d.div(Tensors.s(norm)));
        }
    }

    /** The unit-normalised image features (B, P) of images (B, 3, S, S) in [−1, 1]. */
    public Tensor imageFeatures(Tensor images) {
        int size = clip.config().vision().imageSize();
        Tensor x = images.size(2) == size ? images
                : torch.upsample_bilinear2d(images.contiguous(), new long[]{size, size}, false);
        return ClipModel.normalize(clip.imageFeatures(x));
    }

    /**
     * The loss per image (B): 1 − cos(Ê_I(edited) − originalFeatures, ΔT).
     *
     * @param edited           (B, 3, S, S), with gradients
     * @param originalFeatures {@link #imageFeatures} of the originals (B, P), without gradients
     */
    public Tensor loss(Tensor edited, Tensor originalFeatures) {
        Tensor di = imageFeatures(edited).sub(originalFeatures);
        Tensor cos = torch.cosine_similarity(di, textDirection.expand_as(di), 1, 1e-8);
        return torch.ones_like(cos).sub(cos);
    }

    /** cos(ΔI, ΔT) for each pair (B), without gradients: how well an edit follows the text direction. */
    public float[] alignment(Tensor originals, Tensor edited) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor di = imageFeatures(edited).sub(imageFeatures(originals));
            return Tensors.toFloats(torch.cosine_similarity(di, textDirection.expand_as(di), 1, 1e-8));
        }
    }
}
