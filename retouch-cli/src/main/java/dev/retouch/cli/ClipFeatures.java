package dev.retouch.cli;

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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * emoji-clip image features for the evaluations' Fréchet distances: the projected image embedding, not normalised,
 * one row per image; images of another size are resized (bilinear) to the model's input size first.
 */
final class ClipFeatures {
    private ClipFeatures() {
    }

    /**
     * The feature function of the CLIP model {@code nameOrPath} (a directory, or a shipped model name), or null with
     * a notice on standard error when there is no such model (the evaluations then skip their Fréchet distance).
     */
    static Function<List<RgbImage>, double[][]> optional(String nameOrPath) {
        Path asPath = Path.of(nameOrPath);
        Path shipped = Models.shippedRoot().resolve(nameOrPath);
        Path use = Files.isDirectory(asPath) ? asPath : Files.isDirectory(shipped) ? shipped : null;
        if (use == null) {
            System.err.println("notice: no " + nameOrPath + " model; the Fréchet distance is skipped");
            return null;
        }
        Clip clip = Clip.load(use);
        return images -> of(clip.model(), images);
    }

    /** Features of {@code images} ([0, 1] RGB) by {@code model}. */
    static double[][] of(ClipModel model, List<RgbImage> images) {
        int side = model.config().vision().imageSize();
        List<RgbImage> sized = images.stream().map(i -> i.width() == side && i.height() == side ? i
                : Resize.bilinear(i, side, side)).toList();
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            return rows(ClipRetrieval.features(model, ImageTensors.toTensor(sized), 128, true));
        }
    }

    /** A (N, D) float tensor as N rows. */
    static double[][] rows(Tensor features) {
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
}
