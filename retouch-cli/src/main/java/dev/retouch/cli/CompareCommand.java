package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.ImageScores;
import dev.retouch.core.metrics.Metrics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch compare}: PSNR, SSIM and MAE between two images, optionally inside or outside a mask. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare an image with a reference: PSNR (dB), SSIM (Gaussian 11×11, σ 1.5, as scikit-image) and "
                + "MAE, on [0, 1] values. With --mask, only pixels inside the mask (white), or outside it with --outside.",
        footer = {"", "Examples:", "  bin/retouch compare --reference a.png --image b.png --json",
                "  bin/retouch compare --reference a.png --image b.png --mask roi.png --outside"})
final class CompareCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--reference", required = true, description = "Reference image.")
    Path reference;

    @Option(names = "--image", required = true, description = "Image to score.")
    Path image;

    @Option(names = "--mask", description = "Mask image of the same size (white = inside).")
    Path mask;

    @Option(names = "--outside", description = "Score the pixels outside the mask instead of inside.")
    boolean outside;

    @Override
    public void run() {
        common.apply();
        if (outside && mask == null) {
            throw new CliSupport.UsageError("--outside needs --mask");
        }
        RgbImage ref = Images.read(reference, CliSupport.MAX_PIXELS);
        RgbImage img = Images.read(image, CliSupport.MAX_PIXELS);
        if (ref.width() != img.width() || ref.height() != img.height()) {
            throw new RetouchException(image + " is " + img.width() + "x" + img.height() + " but the reference "
                    + reference + " is " + ref.width() + "x" + ref.height() + "; expected the same size");
        }
        Mask m = mask == null ? null : Images.readMask(mask, ref.width(), ref.height());
        ImageScores s = Metrics.compare(ref, img, m, outside);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("psnr", s.psnr());
        res.put("ssim", s.ssim());
        res.put("mae", s.mae());
        if (m != null) {
            res.put("region", outside ? "outside" : "inside");
            res.put("pixels", outside ? m.width() * m.height() - m.count() : m.count());
        }
        CliSupport.print(common, res);
    }
}
