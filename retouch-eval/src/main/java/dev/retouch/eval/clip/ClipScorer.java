package dev.retouch.eval.clip;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * emoji-clip scores of images as the benchmarks report them, with one resize policy: every image goes to the
 * vision tower's square input size by {@link Resize#square}. The image·text score is {@link Clip#score} (cosine
 * of image and text embeddings), taken in chunks of {@value #CHUNK}; image similarity is the cosine of two image
 * embeddings. emoji-clip conditions the latent models, so these scores describe, they never judge a method.
 */
public final class ClipScorer {
    /** Images (and captions) per pass. */
    public static final int CHUNK = 128;

    private final Clip clip;

    public ClipScorer(Clip clip) {
        this.clip = clip;
    }

    /** The vision tower's input side. */
    public int imageSize() {
        return clip.model().config().vision().imageSize();
    }

    /** The image at the vision tower's size. */
    public RgbImage fit(RgbImage image) {
        return Resize.square(image, imageSize());
    }

    /** Score of each image with its caption: images (N, 3, S, S) at the CLIP's size, N captions → N cosines. */
    public double[] scores(Tensor images, List<String> captions) {
        long n = images.size(0);
        if (captions.size() != n) {
            throw new IllegalArgumentException(n + " images but " + captions.size() + " captions");
        }
        double[] out = new double[(int) n];
        for (int start = 0; start < n; start += CHUNK) {
            int b = (int) Math.min(CHUNK, n - start);
            try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
                Tensor ids = clip.tokenize(captions.subList(start, start + b)).ids();
                float[] s = Tensors.toFloats(clip.score(images.narrow(0, start, b), ids));
                for (int i = 0; i < b; i++) {
                    out[start + i] = s[i];
                }
            }
        }
        return out;
    }

    /** The mean of {@link #scores}. */
    public double meanScore(Tensor images, List<String> captions) {
        return java.util.Arrays.stream(scores(images, captions)).average().orElse(Double.NaN);
    }

    /** The score of one image (any size) with one text. */
    public double score(RgbImage image, String text) {
        try (PointerScope ignored = new PointerScope()) {
            return scores(ImageTensors.toTensor(fit(image)), List.of(text))[0];
        }
    }

    /** Cosine of the image embeddings of {@code a} and {@code b} (any sizes). */
    public double imageSimilarity(RgbImage a, RgbImage b) {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor f = ClipModel.normalize(clip.model().imageFeatures(ImageTensors.toTensor(List.of(fit(a), fit(b)))));
            return f.narrow(0, 0, 1).mul(f.narrow(0, 1, 1)).sum().item_double();
        }
    }
}
