package dev.retouch.eval.judge;

import dev.retouch.core.RetouchException;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.data.Split;
import dev.retouch.data.emoji.EmojiDataset;
import dev.retouch.data.emoji.EmojiImage;
import dev.retouch.edit.pixelguide.FaceClass;
import dev.retouch.edit.pixelguide.FaceLabeler;
import dev.retouch.edit.pixelguide.LabelMap;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The judge's data, from the Noto emoji set: images with their subcategory (every image of a split, skin-tone
 * variants included; splits are by base emoji, so a test emoji is never seen in training) and face-part maps of the
 * yellow faces (pixelguide's colour-rule labeller, {@link FaceLabeler}, on the default-tone {@code face-*} emojis
 * whose map is at least {@value #MIN_FACE_SHARE} face yellow).
 */
public final class JudgeData {
    /** Share of a colour-rule map that must be face yellow for a face to be labelled (as pixelguide's benchmark). */
    public static final double MIN_FACE_SHARE = 0.30;

    /** Images (N, 3, 64, 64) in [−1, 1] with class indices into the judge's subcategories. */
    public record Labelled(Tensor images, long[] labels, List<EmojiImage> items) {
    }

    /** Face images (M, 3, 64, 64) in [−1, 1] with their face-part maps (M, 32, 32) of class ids (int64). */
    public record Faces(Tensor images, Tensor maps, List<String> names) {
    }

    private JudgeData() {
    }

    /** The subcategories that occur in the TRAIN split, sorted: the classes the judge can name. */
    public static List<String> subcategories(EmojiDataset ds) {
        List<String> s = ds.images(Split.TRAIN).stream().map(i -> i.base().subcategory()).distinct().sorted().toList();
        if (s.size() < 2) {
            throw new RetouchException("the emoji TRAIN split has " + s.size() + " subcategories; the judge needs at "
                    + "least 2 (is the emoji archive complete?)");
        }
        return s;
    }

    /** Every image of {@code split} whose subcategory the judge knows (others are left out; see {@link #unknown}). */
    public static Labelled classification(EmojiDataset ds, Split split, List<String> subcategories) {
        List<EmojiImage> items = ds.images(split).stream()
                .filter(i -> subcategories.contains(i.base().subcategory()))
                .sorted(Comparator.comparing(EmojiImage::image)).toList();
        if (items.isEmpty()) {
            throw new RetouchException("the emoji " + split + " split has no images of the judge's subcategories");
        }
        long[] labels = new long[items.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = subcategories.indexOf(items.get(i).base().subcategory());
        }
        return new Labelled(ds.tensor(items, 64), labels, items);
    }

    /** How many images of {@code split} have a subcategory absent from TRAIN (the judge cannot name them). */
    public static long unknown(EmojiDataset ds, Split split, List<String> subcategories) {
        return ds.images(split).stream().filter(i -> !subcategories.contains(i.base().subcategory())).count();
    }

    /** The labelled yellow faces of {@code split}. */
    public static Faces faces(EmojiDataset ds, Split split) {
        List<EmojiImage> items = new ArrayList<>();
        List<LabelMap> maps = new ArrayList<>();
        for (EmojiImage e : ds.images(split).stream().filter(e -> !e.isVariant()
                && e.base().subcategory().startsWith("face-")).sorted(Comparator.comparing(EmojiImage::image)).toList()) {
            LabelMap m = FaceLabeler.label(new RgbImage(64, 64, ds.rgb(e, 64)), 32);
            if (m.count(FaceClass.FACE) >= MIN_FACE_SHARE * 32 * 32) {
                items.add(e);
                maps.add(m);
            }
        }
        if (items.isEmpty()) {
            throw new RetouchException("the emoji " + split + " split has no yellow faces to label");
        }
        long[] ids = new long[maps.size() * 32 * 32];
        for (int i = 0; i < maps.size(); i++) {
            byte[] c = maps.get(i).classes();
            for (int k = 0; k < c.length; k++) {
                ids[i * c.length + k] = c[k];
            }
        }
        return new Faces(ds.tensor(items, 64), Tensors.ofLongs(ids, maps.size(), 32, 32),
                items.stream().map(EmojiImage::image).toList());
    }
}
