package dev.retouch.eval.clip;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.clip.ClipModel;
import dev.retouch.diffusion.clip.ClipRetrieval;
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

    /** Image embeddings (not normalised) of images (N, 3, S, S) at the CLIP's size, as N rows, in chunks. */
    public double[][] features(Tensor images) {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            return rows(ClipRetrieval.features(clip.model(), images, CHUNK, true));
        }
    }

    /** Image embeddings of images of any size (each {@link #fit}), as rows: the features of emoji-clip FD. */
    public double[][] features(List<RgbImage> images) {
        try (PointerScope ignored = new PointerScope()) {
            return features(ImageTensors.toTensor(images.stream().map(this::fit).toList()));
        }
    }

    /** A (N, D) float tensor as N rows. */
    public static double[][] rows(Tensor features) {
        int n = (int) features.size(0);
        int d = (int) features.size(1);
        float[] flat = Tensors.toFloats(features);
        double[][] out = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                out[i][j] = flat[i * d + j];
            }
        }
        return out;
    }

    /**
     * The scorer of the CLIP model {@code name} of the store, or null with a warning when there is none (the
     * benchmarks then leave out their emoji-clip columns).
     */
    public static ClipScorer optional(dev.retouch.edit.ModelStore store, String name,
                                      java.util.function.Consumer<String> warnings) {
        java.nio.file.Path dir;
        try {
            dir = store.resolve(name);
        } catch (dev.retouch.core.RetouchException e) {
            warnings.accept("no " + name + " model; the emoji-clip Fréchet distance is skipped");
            return null;
        }
        return new ClipScorer(store.load(dir, Clip.class, Clip::load));
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
