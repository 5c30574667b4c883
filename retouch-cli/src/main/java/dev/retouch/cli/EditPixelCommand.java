package dev.retouch.cli;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.metrics.Metrics;
import dev.retouch.core.progress.Progress;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.edit.pixelguide.PixelClassifiers;
import dev.retouch.edit.pixelguide.PixelGuide;
import dev.retouch.edit.pixelguide.PixelguideEditor;
import dev.retouch.edit.pixelguide.PixelguideRequest;
import dev.retouch.edit.pixelguide.PixelguideResult;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** {@code retouch edit pixel}: pixelguide (paper 004). */
@Command(name = "pixel", mixinStandardHelpOptions = true,
        description = "Edit an emoji face to match an edited segmentation map (pixelguide): segment the input, apply "
                + "--map or the --op operations, invert to t0 and denoise with pixel-classifier guidance inside the ROI "
                + "(edited classes before and after, dilated 3×3 three times); the outside is kept. Operations: "
                + "'replace FROM TO', 'paint CLASS x0,y0,x1,y1', 'ellipse CLASS cx,cy,rx,ry', 'move CLASS dx,dy' "
                + "(32×32 map coordinates). Classes: background face eye mouth teeth tongue tear hand other.",
        footer = {"", "Examples:",
                "  bin/retouch edit pixel --image 1f600.png --op \"replace mouth face\" --op \"replace teeth face\" --seed 1 --out closed.png",
                "  bin/retouch edit pixel --image 1f610.png --op \"ellipse tear 9,18,1,2\" --steps 50 --roi-out roi.png --out tear.png"})
final class EditPixelCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Mixin
    ClassifiersOption classifiers;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG (resized to the model's size with a notice).")
    Path image;

    @ArgGroup(multiplicity = "1")
    Target target;

    static final class Target {
        @Option(names = "--map", description = "Edited label map PNG (palette of 'retouch segment').")
        Path map;

        @Option(names = "--op", description = "Map operation, repeatable, applied in order.")
        List<String> ops;
    }

    @Option(names = "--steps", defaultValue = "50", description = "50 (respaced) or 'full' (default: ${DEFAULT-VALUE}).")
    String steps;

    @Option(names = "--t0", description = "Start level t0 in [1, 750] (default: 500).")
    Integer t0;

    @Option(names = "--scale", description = "Guidance scale s >= 0 (default: 100 small ROI, 200 large).")
    Double scale;

    @Option(names = "--sampler", defaultValue = "DDIM", description = "DDIM or DDPM (default: ${DEFAULT-VALUE}).")
    PixelGuide.Sampler sampler;

    @Option(names = "--seed", defaultValue = "0", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output PNG (32×32).")
    Path out;

    @Option(names = "--roi-out", description = "Write the ROI as a white-on-black PNG.")
    Path roiOut;

    @Option(names = "--map-out", description = "Write the target map (palette PNG).")
    Path mapOut;

    @Override
    public void run() {
        common.apply();
        for (Path p : new Path[]{out, roiOut, mapOut}) {
            if (p != null) {
                CliSupport.checkOutput(p);
            }
        }
        if (!steps.equals("50") && !steps.equals("full")) {
            throw new CliSupport.UsageError("--steps must be 50 or full, got " + steps);
        }
        var editor = new PixelguideEditor(Models.store().pixel(pixelModel.name), Models.store().classifiers(classifiers.name));
        PixelDiffusionModel m = editor.model();
        PixelClassifiers pc = editor.classifiers();
        RgbImage input = CliSupport.imageAt(image, m.sampleSize());
        var request = new PixelguideRequest(input, target.map != null ? readMap(target.map, m.sampleSize()) : null,
                target.ops, t0, scale, steps.equals("50"), sampler, seed);
        PixelguideResult r = editor.edit(request, Progress.stderr("edit pixel", 0));
        PixelGuide.Options o = r.options();
        LabelMap edited = r.target();
        double secs = r.seconds();
        RgbImage result = r.image();
        ImageOutput row = ImageOutput.of("edit pixel", out).param("image", image.toString()).params(request)
                // the values used (the request's are null when left to the ROI's defaults)
                .param("t0", o.t0()).param("scale", o.scale())
                .measure("roi_pixels", r.roi().count())
                .measure("psnr_outside_roi", Metrics.psnr(input, result, 1.0, r.roi(), true))
                .measure("mae_outside_roi", Metrics.mae(input, result, r.roi(), true))
                .measure("accuracy_inside_roi", dev.retouch.edit.pixelguide.EditScores.accuracyInside(pc, m, result,
                        edited, r.roi(), seed))
                .write(result);
        if (roiOut != null) {
            Images.writeMaskPng(roiOut, r.roi());
        }
        if (mapOut != null) {
            edited.writePng(mapOut);
        }
        row.print(common, secs);
    }

    private static LabelMap readMap(Path file, int size) {
        LabelMap map = LabelMap.readPng(file);
        if (map.width() != size || map.height() != size) {
            throw new RetouchException(file + ": map is " + map.width() + "x" + map.height() + ", expected " + size
                    + "x" + size + " (the model's size)");
        }
        return map;
    }
}
