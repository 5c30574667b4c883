package dev.retouch.data.emoji;

import dev.retouch.core.RetouchException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The contents of the npm archive {@code emoji-datasource-google-16.0.0.tgz} that Retouch uses: the metadata of
 * {@code package/emoji.json} and the PNG bytes of every file in {@code package/img/google/64/}. Read in one
 * streaming pass; the sprite sheets and other files are skipped.
 *
 * @param source  the archive file
 * @param entries the parsed metadata, see {@link EmojiJson} (entries with a Google image, by sort order)
 * @param pngs    file name (e.g. {@code "1f600.png"}) → PNG bytes, for the images present in the archive
 */
public record EmojiArchive(Path source, List<EmojiEntry> entries, Map<String, byte[]> pngs) {
    /** The metadata file inside the archive. */
    public static final String EMOJI_JSON = "package/emoji.json";
    /** The folder of the 64×64 images inside the archive. */
    public static final String IMAGE_DIR = "package/img/google/64/";

    public EmojiArchive {
        entries = List.copyOf(entries);
        pngs = Collections.unmodifiableMap(new TreeMap<>(pngs));
    }

    /** Reads the archive; throws {@link RetouchException} naming the file when it is missing, corrupt or incomplete. */
    public static EmojiArchive read(Path tgz) {
        byte[] json = null;
        Map<String, byte[]> pngs = new TreeMap<>();
        try (InputStream file = Files.newInputStream(tgz);
             TarArchiveInputStream tar = new TarArchiveInputStream(
                     new GzipCompressorInputStream(new BufferedInputStream(file, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                String name = entry.getName();
                if (!entry.isFile()) {
                    continue;
                }
                if (name.equals(EMOJI_JSON)) {
                    json = tar.readAllBytes();
                } else if (name.startsWith(IMAGE_DIR) && name.endsWith(".png")
                        && name.indexOf('/', IMAGE_DIR.length()) < 0) {
                    pngs.put(name.substring(IMAGE_DIR.length()), tar.readAllBytes());
                }
            }
        } catch (NoSuchFileException e) {
            throw new RetouchException("emoji archive not found: " + tgz + " (expected the npm package "
                    + EmojiCache.PACKAGE_SPEC + "; fetch it with scripts/fetch-emoji.sh)", e);
        } catch (IOException e) {
            throw new RetouchException("cannot read emoji archive " + tgz + ": expected a gzip-compressed tar of "
                    + EmojiCache.PACKAGE_SPEC + ", found a corrupt or truncated file (" + e.getMessage()
                    + "); delete it and fetch it again", e);
        }
        if (json == null) {
            throw new RetouchException("emoji archive " + tgz + " has no " + EMOJI_JSON + ": expected the npm package "
                    + EmojiCache.PACKAGE_SPEC);
        }
        return new EmojiArchive(tgz, EmojiJson.parse(json, tgz + "!" + EMOJI_JSON), pngs);
    }
}
