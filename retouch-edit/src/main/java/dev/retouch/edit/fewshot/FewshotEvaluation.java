package dev.retouch.edit.fewshot;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.EditRegions;
import dev.retouch.core.metrics.FrechetDistance;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.data.pairs.ImagePair;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Paper 000's Table 1/2 metrics of an editor on held-out pairs with exact ground truth: mean PSNR and SSIM of the
 * edited image against the true target, DIoU (§4.2, {@link EditRegions}: the paper's union reading and the
 * per-image mean) and, when a feature extractor is given, the Fréchet distance between the features of the true
 * targets and of the edited images.
 */
public final class FewshotEvaluation {
    private FewshotEvaluation() {
    }

    /**
     * The scores of one editor.
     *
     * @param fd        Fréchet distance in the given feature space, NaN without one
     * @param seconds   mean wall time of one edit
     * @param outputs   the edited images, in the order of the pairs
     */
    public record Scores(double psnr, double ssim, double diou, double diouPerImage, double fd, double seconds,
                         List<RgbImage> outputs) {
    }

    /**
     * Edits every pair's before image with {@code editor} (called with the pair's index as seed by the caller's
     * closure) and scores the results.
     *
     * @param features image → feature vectors, or null to skip the Fréchet distance
     */
    public static Scores score(List<ImagePair> pairs, Function<Integer, RgbImage> editor,
                               Function<List<RgbImage>, double[][]> features) {
        List<RgbImage> outputs = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int k = 0; k < pairs.size(); k++) {
            outputs.add(editor.apply(k));
        }
        double seconds = (System.nanoTime() - t0) / 1e9 / pairs.size();
        return scoreOutputs(pairs, outputs, seconds, features);
    }

    /** Scores given outputs (one per pair). */
    public static Scores scoreOutputs(List<ImagePair> pairs, List<RgbImage> outputs, double seconds,
                                      Function<List<RgbImage>, double[][]> features) {
        double psnr = 0;
        double ssim = 0;
        for (int k = 0; k < pairs.size(); k++) {
            psnr += Math.min(100, Metrics.psnr(pairs.get(k).after(), outputs.get(k), 1.0));
            ssim += Metrics.ssim(pairs.get(k).after(), outputs.get(k), 1.0);
        }
        List<RgbImage> before = pairs.stream().map(ImagePair::before).toList();
        List<RgbImage> after = pairs.stream().map(ImagePair::after).toList();
        double t = EditRegions.DEFAULT_THRESHOLD;
        double fd = features == null ? Double.NaN : FrechetDistance.of(features.apply(after), features.apply(outputs));
        return new Scores(psnr / pairs.size(), ssim / pairs.size(), EditRegions.diou(before, after, outputs, t),
                EditRegions.meanIou(before, after, outputs, t), fd, seconds, List.copyOf(outputs));
    }

    /** The editor of an effect: pair k is edited with seed k. */
    public static Function<Integer, RgbImage> editor(Effect effect, List<ImagePair> pairs) {
        return k -> effect.apply(pairs.get(k).before(), k);
    }

    /**
     * The autoencoder ceiling of a latent effect (nn or one variant): pair k's true target encoded and decoded with
     * the skips of its before image ({@link FewshotSampler#reconstructTarget}). It reads the ground truth, so it is
     * a bound for diagnosis, not an editor.
     *
     * @throws IllegalArgumentException for a pix2pix effect, which has no autoencoder
     */
    public static Function<Integer, RgbImage> autoencoderCeiling(Effect effect, List<ImagePair> pairs) {
        if (!(effect.network() instanceof FewshotModel model)) {
            throw new IllegalArgumentException("a " + effect.config().variant().label() + " effect has no autoencoder");
        }
        int size = effect.config().imageSize();
        model.eval();
        return k -> {
            try (org.bytedeco.javacpp.PointerScope ignored = new org.bytedeco.javacpp.PointerScope()) {
                ImagePair p = pairs.get(k);
                Tensor x = ImageTensors.toTensor(Resize.square(p.before(), size));
                Tensor y = ImageTensors.toTensor(Resize.square(p.after(), size));
                return ImageTensors.fromTensor(FewshotSampler.reconstructTarget(model, x, y));
            }
        };
    }

    /** The identity "editor" (returns the input), a floor for every metric. */
    public static Function<Integer, RgbImage> identity(List<ImagePair> pairs) {
        return k -> pairs.get(k).before();
    }
}
