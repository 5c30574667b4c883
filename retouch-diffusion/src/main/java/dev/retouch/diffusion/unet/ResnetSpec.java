package dev.retouch.diffusion.unet;

/**
 * What every {@link ResnetBlock2D} of one UNet has in common: the time-embedding width, the GroupNorm groups and
 * epsilon, and the dropout probability.
 */
record ResnetSpec(int tembDim, int groups, double eps, double dropout) {

    /** A resnet from {@code in} to {@code out} channels. */
    ResnetBlock2D block(int in, int out) {
        return new ResnetBlock2D(in, out, tembDim, groups, eps, dropout);
    }
}
