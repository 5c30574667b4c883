package dev.retouch.core.image;

import dev.retouch.core.RetouchException;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Opens PNG and JPEG files with javax.imageio, checking the file and the declared size before decoding. */
final class ImageDecoder {

    private ImageDecoder() {
    }

    /**
     * Decodes the first image of a PNG or JPEG file. The declared size is read from the header first and checked
     * against {@code maxPixels} and, when {@code expectWidth > 0}, against the expected size. Decoder warnings
     * (a JPEG that ends early is decoded with grey fill and only a warning) are errors.
     */
    static BufferedImage decode(Path file, long maxPixels, int expectWidth, int expectHeight) {
        requireNonEmptyFile(file);
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            return decode(in, file.toString(), maxPixels, expectWidth, expectHeight);
        } catch (IOException e) {
            throw readFailure(file.toString(), e);
        }
    }

    /** As {@link #decode(Path, long, int, int)} for encoded bytes; {@code source} names them in errors. */
    static BufferedImage decode(byte[] bytes, String source, long maxPixels, int expectWidth, int expectHeight) {
        if (bytes.length == 0) {
            throw new RetouchException(source + ": empty (expected a PNG or JPEG image, found 0 bytes)");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new java.io.ByteArrayInputStream(bytes))) {
            return decode(in, source, maxPixels, expectWidth, expectHeight);
        } catch (IOException e) {
            throw readFailure(source, e);
        }
    }

    private static BufferedImage decode(ImageInputStream in, String file, long maxPixels, int expectWidth,
                                        int expectHeight) throws IOException {
        {
            ImageReader reader = readerFor(file, in);
            String format = reader.getFormatName().toUpperCase(Locale.ROOT);
            try {
                reader.setInput(in, true, false);
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, message) -> warnings.add(message));
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                checkSize(file, w, h, maxPixels, expectWidth, expectHeight);
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    throw new RetouchException(file + ": truncated or corrupt " + format + " image ("
                            + warnings.get(0) + ")");
                }
                return image;
            } catch (IOException | RuntimeException e) {
                if (e instanceof RetouchException r) throw r;
                if (String.valueOf(e.getMessage()).contains("Unsupported Image Type")) {
                    throw new RetouchException(file + ": unsupported " + format + " colour type (e.g. CMYK or YCCK),"
                            + " expected RGB or grey", e);
                }
                throw new RetouchException(file + ": truncated or corrupt " + format + " image (" + describe(e) + ")",
                        e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Fails with a clear message when the file is missing, not a regular file, unreadable or empty. */
    static void requireNonEmptyFile(Path file) {
        if (!Files.exists(file)) {
            throw new RetouchException(file + ": no such file (expected a PNG or JPEG image)");
        }
        if (!Files.isRegularFile(file)) {
            throw new RetouchException(file + ": not a regular file (expected a PNG or JPEG image)");
        }
        if (!Files.isReadable(file)) {
            throw new RetouchException(file + ": file is not readable");
        }
        try {
            if (Files.size(file) == 0) {
                throw new RetouchException(file + ": empty file (expected a PNG or JPEG image, found 0 bytes)");
            }
        } catch (IOException e) {
            throw readFailure(file.toString(), e);
        }
    }

    /** The PNG or JPEG reader for the stream's content (by signature, not by file name). */
    static ImageReader readerFor(String file, ImageInputStream in) throws IOException {
        if (in == null) {
            throw new RetouchException(file + ": cannot open the file for reading");
        }
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            throw new RetouchException(file + ": not a PNG or JPEG image");
        }
        ImageReader reader = readers.next();
        String format = reader.getFormatName().toLowerCase(Locale.ROOT);
        if (!format.equals("png") && !format.equals("jpeg")) {
            reader.dispose();
            throw new RetouchException(file + ": not a PNG or JPEG image (found "
                    + format.toUpperCase(Locale.ROOT) + ")");
        }
        return reader;
    }

    /** A read failure as a user-facing error naming the file. */
    static RetouchException readFailure(String file, Exception e) {
        if (e instanceof RetouchException r) {
            return r;
        }
        return new RetouchException(file + ": cannot read the image (" + describe(e) + ")", e);
    }

    /** The messages along the cause chain, e.g. "Error reading PNG metadata: Unexpected end of file". */
    static String describe(Throwable e) {
        StringBuilder sb = new StringBuilder();
        for (Throwable t = e; t != null && sb.length() < 300; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (sb.indexOf(m) < 0) {
                sb.append(sb.length() == 0 ? "" : ": ").append(m);
            }
        }
        return sb.toString();
    }

    private static void checkSize(String file, int w, int h, long maxPixels, int expectWidth, int expectHeight) {
        if (expectWidth > 0 && (w != expectWidth || h != expectHeight)) {
            throw new RetouchException(file + ": expected " + expectWidth + "x" + expectHeight
                    + " pixels (the size it must match), found " + w + "x" + h);
        }
        long pixels = (long) w * h;
        if (pixels > maxPixels) {
            throw new ImageTooLargeException(file + ": image is " + w + "x" + h + " = " + pixels
                    + " pixels, expected at most " + maxPixels);
        }
    }
}
