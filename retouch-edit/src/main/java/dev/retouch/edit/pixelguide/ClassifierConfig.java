package dev.retouch.edit.pixelguide;

import java.util.List;

/**
 * The {@code config.json} of a pixel-classifier directory: which UNet blocks give the features, the MLP sizes, the
 * timesteps with a trained classifier, and the diffusion model they were trained on.
 */
public record ClassifierConfig(String type, String diffusionModel, List<String> featureBlocks, int features,
                               int hidden1, int hidden2, int classes, int imageSize, List<Integer> timesteps,
                               long noiseSeed) {
    public static final String TYPE = "pixelguide-classifiers";

    public ClassifierConfig {
        featureBlocks = List.copyOf(featureBlocks);
        timesteps = List.copyOf(timesteps);
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("config type must be '" + TYPE + "', found '" + type + "'");
        }
        if (features < 1 || hidden1 < 1 || hidden2 < 1 || classes < 2 || imageSize < 1 || timesteps.isEmpty()) {
            throw new IllegalArgumentException("classifier config needs positive sizes, ≥ 2 classes and timesteps");
        }
    }
}
