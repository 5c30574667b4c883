package dev.retouch.data.emoji;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;

import dev.retouch.core.RetouchException;
import dev.retouch.data.Split;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Noto emoji set as a dataset: every image (default and skin-tone variants) with its caption, base emoji
 * and split, and its pixels decoded and composited on white.
 *
 * <p>Images are listed in {@code sort_order} of their base emoji, each base's default image first, then its
 * variants in {@code emoji.json} order. Splits are by base emoji ({@link EmojiImage#split()}). Pixels come as
 * planar RGB floats (3, size, size) in [0, 1], transparent areas white; sizes other than 64 are exact area
 * averages of the 64×64 image.
 */
public final class EmojiDataset {
    /** Side of the images in the archive. */
    public static final int IMAGE_SIZE = 64;
    /** Largest size {@link #rgb(EmojiImage, int)} accepts. */
    public static final int MAX_SIZE = 1024;

    private final String source;
    private final List<EmojiEntry> entries;
    private final List<EmojiImage> images;
    private final Map<String, EmojiImage> byFileName;
    private final Map<String, byte[]> pngs;

    private EmojiDataset(String source, List<EmojiEntry> entries, List<EmojiImage> images,
                         Map<String, byte[]> pngs) {
        this.source = source;
        this.entries = entries;
        this.images = images;
        this.pngs = pngs;
        Map<String, EmojiImage> index = new LinkedHashMap<>();
        for (EmojiImage image : images) {
            index.put(image.image(), image);
        }
        this.byFileName = index;
    }

    /** Loads the archive of {@link EmojiCache#fromEnvironment()}, fetching it with npm if it is missing. */
    public static EmojiDataset load() {
        return load(EmojiCache.fromEnvironment().ensure());
    }

    /** Loads an {@code emoji-datasource-google-16.0.0.tgz} archive. */
    public static EmojiDataset load(Path tgz) {
        return of(EmojiArchive.read(tgz));
    }

    /** The dataset of an archive already read. */
    public static EmojiDataset of(EmojiArchive archive) {
        return of(archive.entries(), archive.pngs(), archive.source().toString());
    }

    /**
     * A dataset from metadata and PNG bytes (e.g. test fixtures). Every image the entries name must be present.
     *
     * @param source names the data in error messages, e.g. the archive's path
     */
    public static EmojiDataset of(List<EmojiEntry> entries, Map<String, byte[]> pngs, String source) {
        List<EmojiImage> images = new ArrayList<>();
        for (EmojiEntry entry : entries) {
            images.add(new EmojiImage(entry.image(), entry.unified(), entry, null, EmojiCaptions.caption(entry)));
            for (EmojiVariant variant : entry.skinVariants()) {
                images.add(new EmojiImage(variant.image(), variant.unified(), entry, variant.skinTone(),
                        EmojiCaptions.caption(entry, variant.skinTone())));
            }
        }
        Map<String, byte[]> bytes = new LinkedHashMap<>();
        for (EmojiImage image : images) {
            byte[] png = pngs.get(image.image());
            if (png == null) {
                throw new RetouchException("emoji data " + source + " is incomplete: emoji.json lists "
                        + image.image() + " (" + image.caption() + ") with a Google image, but "
                        + EmojiArchive.IMAGE_DIR + image.image() + " is missing");
            }
            if (bytes.put(image.image(), png) != null) {
                throw new RetouchException("malformed emoji data " + source + ": image " + image.image()
                        + " is listed twice in emoji.json; expected each image file once");
            }
        }
        return new EmojiDataset(source, List.copyOf(entries), List.copyOf(images), bytes);
    }

    /** The base emojis that have a Google image, in sort order. */
    public List<EmojiEntry> entries() {
        return entries;
    }

    /** What the data was read from (the archive's path), as error messages name it. */
    public String source() {
        return source;
    }

    /** All images, defaults and skin-tone variants. */
    public List<EmojiImage> images() {
        return images;
    }

    /**
     * The shorter phrasings of a caption of this dataset: its name alone and its subcategory alone (each with the
     * skin tones it names), for training a text-conditional model on more than one string per image.
     */
    public static List<String> captionVariants(String caption) {
        return EmojiCaptions.variants(caption);
    }

    /** The caption of every image of {@code split}, in the order of {@link #images(Split)}. */
    public List<String> captions(Split split) {
        return images(split).stream().map(EmojiImage::caption).toList();
    }

    /** The images whose base emoji falls in {@code split}. */
    public List<EmojiImage> images(Split split) {
        return images.stream().filter(image -> image.split() == split).toList();
    }

    /**
     * {@code n} images of {@code split} spread evenly over it sorted by file name (every k-th): the fixed test sets
     * of the benchmarks. All of the split when it has n or fewer.
     */
    public List<EmojiImage> spread(Split split, int n) {
        List<EmojiImage> all = new java.util.ArrayList<>(images(split));
        all.sort(java.util.Comparator.comparing(EmojiImage::image));
        int count = Math.min(n, all.size());
        List<EmojiImage> out = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(all.get((int) ((long) i * all.size() / count)));
        }
        return out;
    }

    /** The image with this file name (e.g. {@code "1f600.png"}), if the dataset has it. */
    public Optional<EmojiImage> find(String fileName) {
        return Optional.ofNullable(byFileName.get(fileName));
    }

    /** The image with this file name; throws naming the file when the dataset has none. */
    public EmojiImage image(String fileName) {
        EmojiImage image = byFileName.get(fileName);
        if (image == null) {
            throw new RetouchException("no emoji image " + fileName + " in " + source
                    + ": expected a file name such as 1f600.png or 1f44b-1f3ff.png");
        }
        return image;
    }

    /** The default (yellow) image of a base emoji. */
    public EmojiImage defaultImage(EmojiEntry entry) {
        return image(entry.image());
    }

    /** The PNG file as stored in the archive (a copy). */
    public byte[] png(EmojiImage image) {
        return bytesOf(image).clone();
    }

    /** The 64×64 image composited on white (straight alpha), decoded by {@link Images#decode}. */
    public RgbImage rgbImage(EmojiImage image) {
        RgbImage rgb = Images.decode(bytesOf(image), "emoji image " + image.image(), (long) MAX_SIZE * MAX_SIZE);
        if (rgb.width() != IMAGE_SIZE || rgb.height() != IMAGE_SIZE) {
            throw new RetouchException("emoji image " + image.image() + " has the wrong size: expected "
                    + IMAGE_SIZE + "×" + IMAGE_SIZE + ", found " + rgb.width() + "×" + rgb.height());
        }
        return rgb;
    }

    /** The 64×64 image composited on white: planar RGB (3, 64, 64), values in [0, 1]. */
    public float[] rgb(EmojiImage image) {
        return rgbImage(image).chw();
    }

    /**
     * The image composited on white and resized to {@code size}×{@code size} by exact area averaging (64→32 is the
     * mean of each 2×2 block): planar RGB (3, size, size), values in [0, 1].
     */
    public float[] rgb(EmojiImage image, int size) {
        if (size < 1 || size > MAX_SIZE) {
            throw new RetouchException("emoji image size must be between 1 and " + MAX_SIZE + " pixels, found "
                    + size);
        }
        RgbImage full = rgbImage(image);
        return size == IMAGE_SIZE ? full.chw() : Resize.area(full, size, size).chw();
    }

    /** {@code images} resized to {@code size} ({@link #rgb(EmojiImage, int)}) as one (N, 3, size, size) tensor in [−1, 1]. */
    public org.bytedeco.pytorch.Tensor tensor(List<EmojiImage> images, int size) {
        int per = 3 * size * size;
        float[] all = new float[images.size() * per];
        for (int i = 0; i < images.size(); i++) {
            float[] rgb = rgb(images.get(i), size);
            for (int k = 0; k < per; k++) {
                all[i * per + k] = rgb[k] * 2f - 1f;
            }
        }
        return dev.retouch.core.tensor.Tensors.of(all, images.size(), 3, size, size);
    }

    private byte[] bytesOf(EmojiImage image) {
        byte[] png = pngs.get(image.image());
        if (png == null) {
            throw new RetouchException("no emoji image " + image.image() + " in " + source
                    + ": expected an image of this dataset");
        }
        return png;
    }
}
