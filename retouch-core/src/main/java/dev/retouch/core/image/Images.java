package dev.retouch.core.image;

import dev.retouch.core.RetouchException;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.w3c.dom.Node;

/**
 * Reading and writing images: PNG and JPEG in, PNG out (with text chunks), masks, and sample-sheet grids.
 *
 * <p>Reading takes the stored samples as they are (no gamma or ICC colour management, like PIL): grey is
 * replicated to RGB, palettes are looked up (with tRNS transparency), 16-bit samples are divided by 65535 and any
 * alpha is composited on white with straight alpha, {@code rgb * a + (1 - a)} (masks: on black). EXIF orientation
 * is not applied. Writing quantises with {@code round(v * 255)} and replaces the target atomically (temporary file
 * in the same directory, then rename).
 */
public final class Images {

    /** PNG metadata format of javax.imageio, used for text chunks. */
    static final String PNG_METADATA = "javax_imageio_png_1.0";

    private Images() {
    }

    /**
     * Reads a PNG or JPEG image as RGB composited on white. The size is checked against {@code maxPixels} from
     * the header, before any pixel is decoded.
     *
     * @throws RetouchException when the file is missing, empty, truncated or corrupt, not a PNG or JPEG, or larger
     *                          than {@code maxPixels}
     */
    public static RgbImage read(Path file, long maxPixels) {
        return toRgb(ImageDecoder.decode(file, maxPixels, -1, -1), file.toString(), 1f);
    }

    /** The largest image {@link #read(Path)} accepts: 4096×4096 pixels. */
    public static final long DEFAULT_MAX_PIXELS = 4096L * 4096L;

    /** {@link #read(Path, long)} up to {@link #DEFAULT_MAX_PIXELS}. */
    public static RgbImage read(Path file) {
        return read(file, DEFAULT_MAX_PIXELS);
    }

    /**
     * Decodes PNG or JPEG bytes (e.g. an archive entry) as RGB composited on white; {@code source} names the bytes
     * in error messages. Same checks as {@link #read}.
     */
    public static RgbImage decode(byte[] bytes, String source, long maxPixels) {
        return toRgb(ImageDecoder.decode(bytes, source, maxPixels, -1, -1), source, 1f);
    }

    /**
     * Reads a mask image (grey or any PNG/JPEG): a pixel is inside when its luminance
     * {@code 0.299 R + 0.587 G + 0.114 B} is ≥ 0.5. Transparency is composited on black, so unpainted
     * (transparent) pixels are outside whatever their colour. The result is a {0, 1} mask.
     *
     * @throws RetouchException as {@link #read}, or when the mask is not {@code width}×{@code height}
     */
    public static Mask readMask(Path file, int width, int height) {
        RgbImage rgb = toRgb(ImageDecoder.decode(file, (long) width * height, width, height), file.toString(), 0f);
        int n = width * height;
        float[] chw = rgb.chw();
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            float luma = 0.299f * chw[i] + 0.587f * chw[n + i] + 0.114f * chw[2 * n + i];
            values[i] = luma >= 0.5f ? 1f : 0f;
        }
        return new Mask(width, height, values);
    }

    /** Writes an 8-bit RGB PNG without text chunks (see {@link #writePng(Path, RgbImage, Map)}). */
    public static void writePng(Path file, RgbImage image) {
        writePng(file, image, Map.of());
    }

    /**
     * Writes an 8-bit RGB PNG with the given text chunks (tEXt for Latin-1 text, iTXt otherwise), replacing
     * {@code file} atomically.
     *
     * @throws RetouchException when the directory does not exist, a keyword is invalid or writing fails
     */
    public static void writePng(Path file, RgbImage image, Map<String, String> textChunks) {
        int w = image.width();
        int h = image.height();
        int n = w * h;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster raster = out.getRaster();
        int[] row = new int[3 * w];
        float[] chw = image.chw();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    row[3 * x + c] = quantize(chw[c * n + y * w + x]);
                }
            }
            raster.setPixels(0, y, w, 1, row);
        }
        writePng(file, out, textChunks);
    }

    /** Writes a mask as an 8-bit grey PNG ({@code round(v * 255)}), replacing {@code file} atomically. */
    public static void writeMaskPng(Path file, Mask mask) {
        int w = mask.width();
        BufferedImage out = new BufferedImage(w, mask.height(), BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = out.getRaster();
        int[] row = new int[w];
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < w; x++) {
                row[x] = quantize(mask.values()[y * w + x]);
            }
            raster.setPixels(0, y, w, 1, row);
        }
        writePng(file, out, Map.of());
    }

    /**
     * The text chunks (tEXt, zTXt and iTXt) of a PNG file, keyword to text, in file order.
     *
     * @throws RetouchException when the file is missing, empty, not a PNG or corrupt
     */
    public static Map<String, String> readPngText(Path file) {
        ImageDecoder.requireNonEmptyFile(file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageDecoder.readerFor(file.toString(), in);
            try {
                if (!reader.getFormatName().equalsIgnoreCase("png")) {
                    throw new RetouchException(file + ": expected a PNG image, found "
                            + reader.getFormatName().toUpperCase(Locale.ROOT));
                }
                reader.setInput(in, true, false);
                IIOMetadata meta = reader.getImageMetadata(0);
                return textChunks((IIOMetadataNode) meta.getAsTree(PNG_METADATA));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw ImageDecoder.readFailure(file.toString(), e);
        }
    }

    /**
     * A sample sheet: the images in row-major cells of {@code cols} columns, each cell as large as the largest
     * image (smaller images centred), {@code pad} white pixels between cells and around the sheet.
     */
    public static RgbImage grid(List<RgbImage> images, int cols, int pad) {
        if (images.isEmpty() || cols <= 0 || pad < 0) {
            throw new IllegalArgumentException("grid needs images, cols > 0 and pad ≥ 0; found " + images.size()
                    + " images, cols " + cols + ", pad " + pad);
        }
        int c = Math.min(cols, images.size());
        int r = (images.size() + c - 1) / c;
        int cellW = images.stream().mapToInt(RgbImage::width).max().orElseThrow();
        int cellH = images.stream().mapToInt(RgbImage::height).max().orElseThrow();
        int w = c * cellW + (c + 1) * pad;
        int h = r * cellH + (r + 1) * pad;
        float[] sheet = RgbImage.filled(w, h, 1f).chw();
        for (int i = 0; i < images.size(); i++) {
            RgbImage img = images.get(i);
            int x0 = pad + (i % c) * (cellW + pad) + (cellW - img.width()) / 2;
            int y0 = pad + (i / c) * (cellH + pad) + (cellH - img.height()) / 2;
            for (int ch = 0; ch < 3; ch++) {
                for (int y = 0; y < img.height(); y++) {
                    System.arraycopy(img.chw(), (ch * img.height() + y) * img.width(),
                            sheet, (ch * h + y0 + y) * w + x0, img.width());
                }
            }
        }
        return new RgbImage(w, h, sheet);
    }

    /** {@code round(v * 255)} with halves rounded up (as torchvision's {@code save_image}), clamped to [0, 255]. */
    static int quantize(float v) {
        return Math.max(0, Math.min(255, Math.round(v * 255f)));
    }

    private static RgbImage toRgb(BufferedImage image, String file, float background) {
        return new RgbImage(image.getWidth(), image.getHeight(), PixelConverter.toChw(image, file, background));
    }

    private static void writePng(Path file, BufferedImage image, Map<String, String> textChunks) {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("png");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no PNG writer in javax.imageio");
        }
        ImageWriter writer = writers.next();
        try {
            IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image),
                    null);
            if (!textChunks.isEmpty()) {
                meta.mergeTree(PNG_METADATA, textTree(file, textChunks));
            }
            dev.retouch.core.io.AtomicFiles.write(file, out -> encode(writer, image, meta, out));
        } catch (IOException e) {
            throw new RetouchException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
    }

    private static void encode(ImageWriter writer, BufferedImage image, IIOMetadata meta, OutputStream out)
            throws IOException {
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(image, null, meta), null);
        }
    }

    private static IIOMetadataNode textTree(Path file, Map<String, String> chunks) {
        IIOMetadataNode tEXt = new IIOMetadataNode("tEXt");
        IIOMetadataNode iTXt = new IIOMetadataNode("iTXt");
        for (Map.Entry<String, String> e : chunks.entrySet()) {
            String keyword = e.getKey();
            String text = e.getValue() == null ? "" : e.getValue();
            if (keyword == null || keyword.isEmpty() || keyword.length() > 79 || !isLatin1(keyword)
                    || keyword.startsWith(" ") || keyword.endsWith(" ") || keyword.contains("  ")) {
                throw new RetouchException("cannot write " + file + ": PNG text keyword '" + keyword
                        + "' must be 1-79 Latin-1 characters without leading, trailing or double spaces");
            }
            if (isLatin1(text)) {
                IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
                entry.setAttribute("keyword", keyword);
                entry.setAttribute("value", text);
                tEXt.appendChild(entry);
            } else {
                IIOMetadataNode entry = new IIOMetadataNode("iTXtEntry");
                entry.setAttribute("keyword", keyword);
                entry.setAttribute("compressionFlag", "FALSE");
                entry.setAttribute("compressionMethod", "0");
                entry.setAttribute("languageTag", "");
                entry.setAttribute("translatedKeyword", "");
                entry.setAttribute("text", text);
                iTXt.appendChild(entry);
            }
        }
        IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA);
        if (tEXt.hasChildNodes()) root.appendChild(tEXt);
        if (iTXt.hasChildNodes()) root.appendChild(iTXt);
        return root;
    }

    private static Map<String, String> textChunks(IIOMetadataNode root) {
        Map<String, String> chunks = new LinkedHashMap<>();
        for (Node group = root.getFirstChild(); group != null; group = group.getNextSibling()) {
            String textAttribute = switch (group.getNodeName()) {
                case "tEXt" -> "value";
                case "zTXt", "iTXt" -> "text";
                default -> null;
            };
            if (textAttribute == null) continue;
            for (Node entry = group.getFirstChild(); entry != null; entry = entry.getNextSibling()) {
                IIOMetadataNode e = (IIOMetadataNode) entry;
                chunks.put(e.getAttribute("keyword"), e.getAttribute(textAttribute));
            }
        }
        return chunks;
    }

    private static boolean isLatin1(String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch > 0xFF || (ch < 0x20 && ch != '\n')) return false;
        }
        return true;
    }
}
