package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.RgbImage;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The committed few-shot label set ({@code data/pixelguide}: {@code images.txt} + {@code labels/<image>.png}) with
 * the emoji images at the label size. Images of the dataset's TRAIN split train the classifiers; the others are
 * held out for IoU.
 */
public record LabelledFaces(List<String> names, List<RgbImage> images, List<LabelMap> maps, List<Split> splits) {

    /** Reads the list and the maps under {@code dataDir}, and the images from {@code dataset}. */
    public static LabelledFaces load(Path dataDir, EmojiDataset dataset) {
        List<String> names = list(dataDir.resolve("images.txt"));
        List<RgbImage> images = new ArrayList<>();
        List<LabelMap> maps = new ArrayList<>();
        List<Split> splits = new ArrayList<>();
        for (String name : names) {
            LabelMap map = LabelMap.readPng(dataDir.resolve("labels").resolve(name));
            EmojiImage e = dataset.image(name);
            images.add(new RgbImage(map.width(), map.height(), dataset.rgb(e, map.width())));
            maps.add(map);
            splits.add(e.split());
        }
        return new LabelledFaces(names, images, maps, splits);
    }

    /** Image names of a list file: the first word of each line; blank lines and # comments skipped. */
    public static List<String> list(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .map(l -> l.split("\\s+")[0]).toList();
        } catch (IOException e) {
            throw new RetouchException("cannot read the label list " + file + ": " + e.getMessage(), e);
        }
    }

    /** The subset whose emoji are ({@code heldOut} false) or are not ({@code true}) in the TRAIN split. */
    public LabelledFaces subset(boolean heldOut) {
        List<String> n = new ArrayList<>();
        List<RgbImage> i = new ArrayList<>();
        List<LabelMap> m = new ArrayList<>();
        List<Split> s = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            if ((splits.get(k) != Split.TRAIN) == heldOut) {
                n.add(names.get(k));
                i.add(images.get(k));
                m.add(maps.get(k));
                s.add(splits.get(k));
            }
        }
        return new LabelledFaces(n, i, m, s);
    }

    /** The images as one (N, 3, S, S) tensor in [−1, 1]. */
    public Tensor tensor() {
        return ImageTensors.toTensor(images);
    }

    public int size() {
        return names.size();
    }
}
