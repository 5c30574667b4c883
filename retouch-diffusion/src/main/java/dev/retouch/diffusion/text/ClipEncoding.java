package dev.retouch.diffusion.text;

import java.util.Arrays;

/**
 * A prompt encoded to a fixed context length.
 *
 * @param ids       (maxLength) token ids: {@code <|startoftext|>}, the text's tokens, {@code <|endoftext|>}, then the
 *                  pad id up to the end
 * @param length    how many leading ids are the prompt's (start and end included); the rest is padding
 * @param truncated true when the prompt had more tokens than fit; the last id is then still {@code <|endoftext|>}
 */
public record ClipEncoding(int[] ids, int length, boolean truncated) {
    public ClipEncoding {
        ids = ids.clone();
        if (length < 0 || length > ids.length) {
            throw new IllegalArgumentException("length must be between 0 and " + ids.length + ", found " + length);
        }
    }

    /** A copy of the padded ids. */
    @Override
    public int[] ids() {
        return ids.clone();
    }

    /** The prompt's ids without the padding. */
    public int[] tokens() {
        return Arrays.copyOf(ids, length);
    }

    /** (maxLength) 1 for the prompt's positions, 0 for padding (transformers' {@code attention_mask}). */
    public int[] attentionMask() {
        int[] mask = new int[ids.length];
        Arrays.fill(mask, 0, length, 1);
        return mask;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClipEncoding e && length == e.length && truncated == e.truncated
                && Arrays.equals(ids, e.ids);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(ids) + length) + Boolean.hashCode(truncated);
    }

    @Override
    public String toString() {
        return "ClipEncoding[ids=" + Arrays.toString(ids) + ", length=" + length + ", truncated=" + truncated + "]";
    }
}
