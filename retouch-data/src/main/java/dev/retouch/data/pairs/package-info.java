/**
 * Before/after pair folders, the input of few-shot effects: {@link dev.retouch.data.pairs.PairFolder} reads
 * ({@code before/NAME.png}, {@code after/NAME.png}, validated: unpaired names, corrupt images, size mismatches
 * within a pair, too few pairs) and writes them; {@link dev.retouch.data.pairs.ImagePair} is one example.
 * Ready-made sets from the emoji skin tones come from {@link dev.retouch.data.emoji.SkinTonePairSets}.
 */
package dev.retouch.data.pairs;
