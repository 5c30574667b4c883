package dev.retouch.diffusion.unet;

import java.util.List;

/**
 * Structure of a {@link UNet2DConditionModel}. Level i has {@code blockOutChannels[i]} channels and feature maps
 * 2^i times smaller than the input; its blocks hold a {@link Transformer2DModel} after every resnet when
 * {@code crossAttention[i]} is true (plain resnets otherwise); the middle block always holds one.
 *
 * <p>Attention width is given either as a fixed number of heads per layer ({@code attentionHeads}, Stable Diffusion
 * 1.x: 8 everywhere) or as a fixed width per head ({@code attentionHeadDim}, Stable Diffusion 2.x: 64); exactly one
 * of the two is positive and the other is 0. In both cases heads × head width = the level's channels.
 * {@code normGroups}/{@code normEps} are the resnets' and output GroupNorm's; the transformers' GroupNorm uses
 * eps 1e-6 and their LayerNorms 1e-5, as in diffusers. {@code dropout} applies inside the resnets.
 */
public record UNet2DConditionConfig(int sampleSize, int inChannels, int outChannels, List<Integer> blockOutChannels,
                                    int layersPerBlock, List<Boolean> crossAttention, int crossAttentionDim,
                                    int attentionHeads, int attentionHeadDim, int transformerLayersPerBlock,
                                    boolean useLinearProjection, int normGroups, double normEps, double dropout,
                                    boolean flipSinToCos, int freqShift) {
    public UNet2DConditionConfig {
        require(blockOutChannels != null && crossAttention != null, "blockOutChannels and crossAttention are required");
        blockOutChannels = List.copyOf(blockOutChannels);
        crossAttention = List.copyOf(crossAttention);
        require(sampleSize > 0 && inChannels > 0 && outChannels > 0, "sizes must be positive");
        require(!blockOutChannels.isEmpty() && blockOutChannels.stream().allMatch(ch -> ch > 0),
                "blockOutChannels must be non-empty and positive");
        require(crossAttention.size() == blockOutChannels.size(), "crossAttention has " + crossAttention.size()
                + " entries for " + blockOutChannels.size() + " levels");
        require(layersPerBlock > 0 && transformerLayersPerBlock > 0, "layers per block must be > 0");
        require(crossAttentionDim > 0, "crossAttentionDim must be > 0");
        require((attentionHeads > 0) != (attentionHeadDim > 0) && attentionHeads >= 0 && attentionHeadDim >= 0,
                "exactly one of attentionHeads and attentionHeadDim must be positive (the other 0)");
        require(sampleSize % (1 << (blockOutChannels.size() - 1)) == 0,
                "sampleSize " + sampleSize + " not divisible by 2^" + (blockOutChannels.size() - 1));
        require(normGroups > 0 && normEps > 0, "normGroups and normEps must be positive");
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1)");
        require(freqShift >= 0 && freqShift < blockOutChannels.get(0) / 2, "freqShift must be in [0, channels/2)");
        checkWidths(blockOutChannels, crossAttention, attentionHeads, attentionHeadDim, normGroups);
    }

    private static void checkWidths(List<Integer> channels, List<Boolean> cross, int heads, int headDim, int groups) {
        int last = channels.size() - 1;
        require(channels.get(0) % 2 == 0, "blockOutChannels[0] must be even (sinusoidal time features)");
        for (int i = 0; i <= last; i++) {
            int ch = channels.get(i);
            require(ch % groups == 0, "channels " + ch + " not divisible by normGroups " + groups);
            if (cross.get(i) || i == last) {
                int divisor = heads > 0 ? heads : headDim;
                require(ch % divisor == 0, "channels " + ch + " at level " + i + " not divisible into "
                        + (heads > 0 ? heads + " heads" : "heads of width " + headDim));
            }
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException("UNet2DConditionConfig: " + message);
        }
    }

    public int levels() {
        return blockOutChannels.size();
    }

    public int channels(int level) {
        return blockOutChannels.get(level);
    }

    public boolean crossAttentionAt(int level) {
        return crossAttention.get(level);
    }

    /** Attention heads of the transformers at a level. */
    public int heads(int level) {
        return attentionHeads > 0 ? attentionHeads : channels(level) / attentionHeadDim;
    }

    /** Width of one attention head at a level. */
    public int headDim(int level) {
        return attentionHeadDim > 0 ? attentionHeadDim : channels(level) / attentionHeads;
    }

    public int timeEmbedDim() {
        return 4 * channels(0);
    }

    /** Input height and width must be multiples of this (one halving per level below the first). */
    public int sizeMultiple() {
        return 1 << (levels() - 1);
    }

    /**
     * This structure fitted to a latent space and a text encoder: {@code latentChannels} in and out,
     * {@code latentSize} as the sample size, and cross-attention on {@code contextWidth}-wide text states.
     */
    public UNet2DConditionConfig forLatents(int latentChannels, int latentSize, int contextWidth) {
        return new UNet2DConditionConfig(latentSize, latentChannels, latentChannels, blockOutChannels, layersPerBlock,
                crossAttention, contextWidth, attentionHeads, attentionHeadDim, transformerLayersPerBlock,
                useLinearProjection, normGroups, normEps, dropout, flipSinToCos, freqShift);
    }

    /**
     * The Stable Diffusion 1.5 UNet ({@code runwayml/stable-diffusion-v1-5}, {@code unet/config.json}): 64×64×4
     * latents, 320/640/1280/1280 channels, cross-attention on the first three levels, 8 heads, CLIP ViT-L/14 text
     * states (768) as context, 1×1 convolution projections.
     */
    public static UNet2DConditionConfig stableDiffusion15() {
        return new UNet2DConditionConfig(64, 4, 4, List.of(320, 640, 1280, 1280), 2, List.of(true, true, true, false),
                768, 8, 0, 1, false, 32, 1e-5, 0.0, true, 0);
    }

    /**
     * The Stable Diffusion 2.x (768-v) UNet ({@code stabilityai/stable-diffusion-2-1}): as 1.5 but 96×96 latents,
     * 64-wide heads, OpenCLIP ViT-H text states (1024) and linear projections.
     */
    public static UNet2DConditionConfig stableDiffusion2() {
        return new UNet2DConditionConfig(96, 4, 4, List.of(320, 640, 1280, 1280), 2, List.of(true, true, true, false),
                1024, 0, 64, 1, true, 32, 1e-5, 0.0, true, 0);
    }

    /**
     * The {@code emoji-ldm} structure: 4×16×16 {@code emoji-vae} latents, 64/96/96 channels, one resnet per down
     * level, cross-attention on text states at 8×8 and 4×4 (not at 16×16, where 256-token self-attention would add
     * half again to the MACs), 32-wide heads, linear projections. 4.29 M parameters, 0.23 GMAC per 16×16 sample with
     * 16 context tokens, as listed here with 256-wide states; a latent diffusion model takes the structure through
     * {@link #forLatents} with its text encoder's width ({@code emoji-clip}: 128).
     */
    public static UNet2DConditionConfig emoji() {
        return new UNet2DConditionConfig(16, 4, 4, List.of(64, 96, 96), 1, List.of(false, true, true), 256, 0, 32,
                1, true, 32, 1e-5, 0.0, true, 0);
    }

    /** A tiny structure for tests: both plain and cross-attention levels, 8×8 samples. */
    public static UNet2DConditionConfig tiny() {
        return new UNet2DConditionConfig(8, 4, 4, List.of(8, 16, 16), 1, List.of(false, true, true), 12, 0, 8, 1,
                false, 4, 1e-5, 0.0, true, 0);
    }
}
