package dev.retouch.edit.fewshot;

/**
 * Weights of the joint objective (see {@link FewshotTask}).
 *
 * @param flow        M_x's reconstruction MSE(x̂_j, x_j) (Eq. 3)
 * @param latent      M_y's x₀-prediction MSE(ẑ_j, E(y_j)) in latent space
 * @param image       the decoded prediction MSE(D(ẑ_j), y_j)
 * @param autoencoder the autoencoder's reconstruction MSE(D(E(y_j)), y_j)
 * @param focal       weight of the focal frequency loss added to each of the two image terms
 */
public record LossWeights(double flow, double latent, double image, double autoencoder, double focal) {
    public LossWeights {
        for (double w : new double[]{flow, latent, image, autoencoder, focal}) {
            if (!(w >= 0 && w <= 1000)) {
                throw new IllegalArgumentException("LossWeights: every weight must be in [0, 1000], got " + this);
            }
        }
    }

    /** Every term with weight 1. */
    public static LossWeights standard() {
        return new LossWeights(1, 1, 1, 1, 1);
    }
}
