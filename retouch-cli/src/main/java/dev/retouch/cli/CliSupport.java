package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.io.Json;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.eval.report.HtmlReport;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the commands share: loading models and images, validating numbers, writing outputs and results. */
final class CliSupport {
    /** Images above this many pixels are refused before decoding (override with -Dretouch.maxPixels). */
    static final long MAX_PIXELS = Long.getLong("retouch.maxPixels", 4096L * 4096L);

    private CliSupport() {
    }

    static PixelDiffusionModel pixelModel(String nameOrPath) {
        return PixelDiffusionModel.load(Models.resolve(nameOrPath));
    }

    static LatentDiffusion latentModel(String nameOrPath) {
        return LatentDiffusion.load(Models.resolve(nameOrPath));
    }

    /** Prints a warning (e.g. a truncated prompt) on stderr; the command goes on. */
    static void warn(String message) {
        System.err.println("warning: " + message);
    }

    /** Reads an image and resizes it to size×size (area when shrinking, bilinear when enlarging) with a notice. */
    static RgbImage imageAt(Path file, int size) {
        RgbImage img = Images.read(file, MAX_PIXELS);
        if (img.width() == size && img.height() == size) {
            return img;
        }
        System.err.printf(Locale.ROOT, "notice: %s is %dx%d; resized to the model's %dx%d%n", file, img.width(),
                img.height(), size, size);
        return Resize.square(img, size);
    }

    /**
     * An input of a latent model: resized to its size with {@code resize}; otherwise as read, and its sides must be
     * multiples of the model's size multiple.
     */
    static RgbImage latentInput(Path image, LatentDiffusion ld, boolean resize) {
        if (resize) {
            return imageAt(image, ld.imageSize());
        }
        RgbImage img = Images.read(image, MAX_PIXELS);
        int k = ld.sizeMultiple();
        if (img.width() % k != 0 || img.height() % k != 0) {
            throw new RetouchException(image + " is " + img.width() + "x" + img.height() + ": the model needs sides "
                    + "that are multiples of " + k + "; pass --resize to resize it to " + ld.imageSize() + "x"
                    + ld.imageSize());
        }
        return img;
    }

    static Tensor tensor(RgbImage img) {
        return ImageTensors.toTensor(img);
    }

    /** A bad option value (the caller's mistake): exit 2 like picocli's own usage errors. */
    static final class UsageError extends dev.retouch.core.InvalidRequestException {
        UsageError(String message) {
            super(message);
        }
    }

    /**
     * The held-out split an evaluation option names: validation or test. Train (what {@code trainedOnTrain} says was
     * trained on it) and unknown names are one usage error naming the option and the value.
     */
    static dev.retouch.data.Split heldOutSplit(String option, String value, String trainedOnTrain) {
        dev.retouch.data.Split s = null;
        for (dev.retouch.data.Split candidate : dev.retouch.data.Split.values()) {
            if (candidate.name().equalsIgnoreCase(value)) {
                s = candidate;
            }
        }
        if (s == null || s == dev.retouch.data.Split.TRAIN) {
            throw new UsageError(option + " must be validation or test (" + trainedOnTrain + "), found '" + value + "'");
        }
        return s;
    }

    static void requireRange(String name, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new UsageError(name + " must be in [" + num(min) + ", " + num(max) + "], got " + num(value));
        }
    }

    /** 5000 as "5000", 0.5 as "0.5", NaN as "NaN". */
    static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** SSIM, or null when the images are smaller than its 11×11 window. */
    static Double ssimOrNull(RgbImage a, RgbImage b) {
        return Math.min(a.width(), a.height()) < 11 ? null : dev.retouch.core.metrics.Metrics.ssim(a, b, 1.0);
    }

    /** Fails before any work when the output's directory does not exist. */
    static void checkOutput(Path out) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new RetouchException("output directory " + parent + " does not exist (for " + out + ")");
        }
        if (Files.isDirectory(out)) {
            throw new RetouchException("output " + out + " is a directory; expected a PNG file path");
        }
    }

    /**
     * Fails before any work when a model directory cannot be written: its parent is missing, or it is a file. An
     * existing model directory is allowed (the new model replaces its files; git keeps the old ones).
     */
    static void checkModelOutput(Path out) {
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            throw new RetouchException("output directory " + parent + " does not exist (for " + out + ")");
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new RetouchException("output " + out + " is a file; expected a model directory");
        }
    }

    /** Writes a PNG carrying the command's parameters and seed as text chunks. */
    static void writePng(Path out, RgbImage image, String command, Map<String, Object> params) {
        Map<String, String> text = new LinkedHashMap<>();
        text.put("Software", "retouch 0.1.0");
        text.put("retouch.command", command);
        params.forEach((k, v) -> text.put("retouch." + k, String.valueOf(v)));
        Images.writePng(out, image, text);
    }

    /** A grid sheet of a batch (B, 3, H, W) in [−1, 1]. */
    static RgbImage sheet(Tensor batch) {
        List<RgbImage> images = ImageTensors.fromBatch(batch);
        if (images.size() == 1) {
            return images.get(0);
        }
        int cols = (int) Math.ceil(Math.sqrt(images.size()));
        return Images.grid(images, cols, 2);
    }

    /** Prints the result as one JSON object (with --json) or as "key: value" lines. */
    static void print(Common common, Map<String, Object> result) {
        if (common.json) {
            System.out.print(Json.toJson(result));
        } else {
            result.forEach((k, v) -> System.out.println(k + ": " + (v instanceof Double d ? fmt(d) : v)));
        }
    }

    static String fmt(double v) {
        return HtmlReport.fmt(v);
    }

    /** Creates a directory and its parents, or fails with one clear message. */
    static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new RetouchException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
