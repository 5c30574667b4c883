package dev.retouch.edit.sine;

/** How the single image was fine-tuned. */
public enum Variant {
    /** Random crops resized to the training size, with the positional embedding of the crop box (§3.3). */
    PATCHES,
    /** The whole image only, no positional embedding: the paper's "w/o pos". */
    NO_PATCHES
}
