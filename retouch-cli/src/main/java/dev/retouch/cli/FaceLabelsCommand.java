package dev.retouch.cli;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.edit.pixelguide.FaceLabeler;
import dev.retouch.edit.pixelguide.LabelMap;
import dev.retouch.edit.pixelguide.LabelledFaces;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code retouch data face-labels}: label maps of emoji faces by colour rules (pixelguide's few-shot labels). */
@Command(name = "face-labels", mixinStandardHelpOptions = true,
        description = "Make segmentation label maps (palette PNGs, classes of FaceClass) for the emoji listed in "
                + "--images (one emoji file name per line, # comments) by FaceLabeler's colour rules, plus a preview "
                + "sheet (image above its map) for checking by eye.",
        footer = {"", "Example:", "  bin/retouch data face-labels --images data/pixelguide/images.txt "
                + "--out data/pixelguide/labels --preview data/pixelguide/preview.png"})
final class FaceLabelsCommand implements Runnable {
    @Mixin
    Common common;

    @Option(names = "--images", required = true, description = "Text file of emoji image names.")
    Path images;

    @Option(names = "--out", required = true, description = "Directory for the label PNGs.")
    Path out;

    @Option(names = "--size", defaultValue = "32", description = "Label map size, dividing 64 (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--preview", description = "Preview sheet PNG.")
    Path preview;

    @Override
    public void run() {
        List<String> names = LabelledFaces.list(images);
        EmojiDataset ds = EmojiDataset.load();
        CliSupport.mkdirs(out);
        List<RgbImage> sheet = new ArrayList<>();
        for (String name : names) {
            EmojiImage e = ds.image(name);
            RgbImage rgb = ds.rgbImage(e);
            LabelMap map = FaceLabeler.label(rgb, size);
            map.writePng(out.resolve(name));
            sheet.add(Resize.area(rgb, size, size));
            sheet.add(map.toImage());
        }
        if (preview != null) {
            Images.writePng(preview, Images.grid(sheet, 16, 1), java.util.Map.of("Software", "retouch 0.1.0"));
        }
        System.out.println(names.size() + " label maps written to " + out);
    }
}
