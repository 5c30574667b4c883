package dev.retouch.edit.rectifier;

import dev.retouch.core.InvalidRequestException;
import dev.retouch.core.RetouchException;
import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Images;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.data.pairs.ImagePair;
import dev.retouch.data.emoji.SkinTone;
import dev.retouch.data.emoji.SkinTonePairSets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The images an edit trains on, named as {@code train rectifier-edit --images} takes them: an emoji split
 * ({@code train}), a split with a subcategory prefix ({@code train:face-}: the split's faces), a split's default
 * (yellow) emoji that have a skin tone ({@code train@5}: the "before" images of {@code data skin-tone-pairs --split
 * train --tone 5}, named as there), or a folder of PNG or JPEG images. Each is resized to the model's square size
 * (area when shrinking, else bilinear).
 */
public final class EditImages {
    private EditImages() {
    }

    /** A named selection with the image names, in a stable order. */
    public record Selection(List<String> names, List<RgbImage> images) {
    }

    /**
     * @param dataset loads the emoji dataset when the spec names a split
     * @throws InvalidRequestException when nothing matches (an empty folder, an unknown split, no such subcategory)
     */
    public static Selection load(String spec, int size, long maxPixels, Supplier<EmojiDataset> dataset) {
        Path folder = Path.of(spec);
        List<String> names = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(folder)) {
                files = s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g)"))
                        .sorted().toList();
            } catch (IOException e) {
                throw new RetouchException("cannot list " + folder + ": " + e.getMessage(), e);
            }
            if (files.isEmpty()) {
                throw new InvalidRequestException("images " + folder + ": the folder holds no PNG or JPEG images");
            }
            for (Path f : files) {
                RgbImage img = Images.read(f, maxPixels);
                images.add(Resize.square(img, size));
                names.add(f.getFileName().toString());
            }
            return new Selection(names, images);
        }
        int at = spec.indexOf('@');
        if (at >= 0) {
            Split split = Split.parse(spec.substring(0, at));
            SkinTone tone;
            try {
                tone = SkinTonePairSets.tone(spec.substring(at + 1));
            } catch (RuntimeException e) {
                throw new InvalidRequestException("images " + spec + ": after @ comes a skin tone, 1 (light) … 5 "
                        + "(dark) or a code such as 1F3FF");
            }
            for (ImagePair p : SkinTonePairSets.select(dataset.get(), tone, split, 0)) {
                images.add(Resize.square(p.before(), size));
                names.add(p.name() + ".png"); // as in the pair folder, so its after/ serves as the truth
            }
            return new Selection(names, images);
        }
        int colon = spec.indexOf(':');
        Split split = Split.parse(colon < 0 ? spec : spec.substring(0, colon));
        String prefix = colon < 0 ? "" : spec.substring(colon + 1);
        EmojiDataset ds = dataset.get();
        List<EmojiImage> chosen = ds.images(split).stream().filter(i -> i.base().subcategory().startsWith(prefix))
                .toList();
        if (chosen.isEmpty()) {
            throw new InvalidRequestException("images " + spec + ": no " + split + "-split emoji"
                    + (prefix.isEmpty() ? "" : " of a subcategory starting with \"" + prefix + "\""));
        }
        for (EmojiImage e : chosen) {
            images.add(new RgbImage(size, size, ds.rgb(e, size)));
            names.add(e.image());
        }
        return new Selection(names, images);
    }

    /** The selection as (N, 3, size, size) in [−1, 1]. */
    public static org.bytedeco.pytorch.Tensor tensor(Selection s) {
        return ImageTensors.toTensor(s.images());
    }
}
