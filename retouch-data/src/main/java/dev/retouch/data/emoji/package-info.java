/**
 * The Noto emoji set, from the npm package {@code emoji-datasource-google@16.0.0}: 64×64 RGBA PNGs plus
 * {@code emoji.json} (names, categories, subcategories, skin-tone variants), read straight from the packed
 * {@code .tgz}.
 *
 * <ul>
 *   <li>{@link dev.retouch.data.emoji.EmojiCache} finds the archive on disk and fetches it with the npm client.</li>
 *   <li>{@link dev.retouch.data.emoji.EmojiArchive} reads the archive in one streaming pass.</li>
 *   <li>{@link dev.retouch.data.emoji.EmojiEntry}, {@link dev.retouch.data.emoji.EmojiVariant} are the metadata;
 *       {@link dev.retouch.data.emoji.EmojiImage} is one image file with its caption
 *       ({@link dev.retouch.data.emoji.EmojiCaptions}).</li>
 *   <li>{@link dev.retouch.data.emoji.EmojiDataset} lists images by split and decodes them, composited on
 *       white; {@link dev.retouch.data.emoji.SkinTonePairs} pairs each default emoji with a skin-tone variant and
 *       {@link dev.retouch.data.emoji.SkinTonePairSets} picks deterministic few-shot sets of them per split.</li>
 * </ul>
 */
package dev.retouch.data.emoji;
