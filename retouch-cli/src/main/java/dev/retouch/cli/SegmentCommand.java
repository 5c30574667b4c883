package dev.retouch.cli;

import dev.retouch.core.image.RgbImage;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.edit.pixelguide.FaceClass;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.edit.pixelguide.PixelClassifiers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code retouch segment}: the label map of an emoji face by pixelguide's classifiers at t = 0. */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = "Segment an image into face classes with pixelguide's pixel classifiers (t = 0) and write the "
                + "map as a palette PNG (background black, face #FFD700, eye #1E64FF, mouth #8B0000, teeth white, "
                + "tongue #FF69B4, tear #00E5FF, hand #FF8C00, other grey).",
        footer = {"", "Example:", "  bin/retouch segment --image face.png --out face-map.png"})
final class SegmentCommand implements Runnable {
    @Mixin
    Common common;

    @Mixin
    PixelModelOption pixelModel;

    @Mixin
    ClassifiersOption classifiers;

    @Option(names = "--image", required = true, description = "Input PNG or JPEG.")
    Path image;

    @Option(names = "--seed", defaultValue = "0", description = "Seed of the t = 0 noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, description = "Output map PNG.")
    Path out;

    @Override
    public void run() {
        common.apply();
        CliSupport.checkOutput(out);
        PixelDiffusionModel m = pixelModel.load();
        PixelClassifiers pc = classifiers.load();
        RgbImage input = CliSupport.imageAt(image, m.sampleSize());
        LabelMap map = pc.segment(m, CliSupport.tensor(input), seed);
        map.writePng(out);
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("out", out.toString());
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (FaceClass c : FaceClass.values()) {
            if (map.count(c) > 0) {
                counts.put(c.label(), map.count(c));
            }
        }
        res.put("pixels", counts);
        CliSupport.print(common, res);
    }
}
