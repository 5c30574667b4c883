package dev.retouch.edit.fewshot;

import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The end-to-end objective of paper 000 with n-source-to-n-target sampling (§3.1). Each sample draws, with
 * replacement, a target pair j and s = n − 1 source pairs i (for n = 1 the target's own pair is its source); the
 * target pair is augmented ({@link Augment}). With E, D the autoencoder and z = E(·):
 * <pre>
 *   L_x   = mean_k MSE(T_c(T_s(x_{i_k})), x_j)                                     M_x, Eq. (3)
 *   ẑ_j   = M_y([√ᾱ_t·z(y_{i_k}) + √(1−ᾱ_t)·ε_k]_k, E(x_j), t, M_e([F, C]))       t ~ U[0, T)
 *   L_lat = MSE(ẑ_j, sg(z(y_j)))                                                   x₀-prediction, latent
 *   L_img = MSE(D(ẑ_j), y_j) + λ·FFL(D(ẑ_j), y_j)                                 decoded, skips from x_j
 *   L_ae  = MSE(D(z(y_j)), y_j) + λ·FFL(D(z(y_j)), y_j)                           the autoencoder itself
 *   L     = w_x·L_x + w_lat·L_lat + w_img·L_img + w_ae·L_ae
 * </pre>
 * Gradients reach every module through L_img (the paper's joint, end-to-end training); sg keeps the latent target
 * from being pulled toward the prediction. Every draw (pairs, augmentation, t, ε, decoder noise) comes from the
 * run's generator.
 */
final class FewshotTask implements TrainingTask {
    private final FewshotModel model;
    private final PairTensors pairs;
    private final AugmentConfig augment;
    private final LossWeights weights;
    private double[] lastTerms = new double[4];

    public FewshotTask(FewshotModel model, PairTensors pairs, AugmentConfig augment, LossWeights weights) {
        if (pairs.x().size(2) != model.config().imageSize()) {
            throw new IllegalArgumentException("pairs are " + pairs.x().size(2) + " pixels, the model works at "
                    + model.config().imageSize());
        }
        this.model = model;
        this.pairs = pairs;
        this.augment = augment;
        this.weights = weights;
    }

    @Override
    public Module model() {
        return model;
    }

    /** The last batch's (L_x, L_lat, L_img, L_ae), for logging. */
    public double[] lastTerms() {
        return lastTerms.clone();
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        FewshotConfig c = model.config();
        int s = c.sources();
        boolean self = c.groupSize() == 1;
        Tensor j = randomPairs(batchSize, gen);
        Augment.Pair target = Augment.apply(pairs.x().index_select(0, j), pairs.y().index_select(0, j), augment, gen);
        Tensor xj = target.x();
        Tensor yj = target.y();
        List<Tensor> xi = new ArrayList<>();
        List<Tensor> yi = new ArrayList<>();
        for (int k = 0; k < s; k++) {
            Tensor i = self ? null : randomPairs(batchSize, gen);
            xi.add(self ? xj : pairs.x().index_select(0, i));
            yi.add(self ? yj : pairs.y().index_select(0, i));
        }
        // One encoder pass for x_j, y_j and the source targets.
        List<Tensor> images = new ArrayList<>(List.of(xj, yj));
        if (!self) images.addAll(yi);
        SkipAutoencoder.Encoded enc = model.autoencoder().encode(Tensors.cat(0, images.toArray(new Tensor[0])));
        Tensor zxj = enc.latent().narrow(0, 0, batchSize);
        Tensor zyj = enc.latent().narrow(0, batchSize, batchSize);
        Tensor zyi = self ? zyj : sourceLatents(enc.latent(), batchSize, s);
        List<Tensor> skips = enc.skips().stream().map(t -> t.narrow(0, 0, batchSize)).toList();
        FewshotModel.Condition cond = model.condition(xi, xj, new SkipAutoencoder.Encoded(zxj, skips));

        Tensor lx = flowLoss(cond, xi, xj);
        int[] t = randomTimesteps(batchSize, gen);
        Tensor noise = Tensors.randn(gen, Tensors.shape(zyi));
        Tensor noisy = model.schedule().addNoise(zyi, noise, t);
        Tensor zHat = model.predict(noisy, Tensors.ofLongs(toLongs(t), batchSize), cond);
        Tensor lLat = torch.mse_loss(zHat, zyj.detach());

        Tensor decoded = model.decode(Tensors.cat(0, zHat, zyj), repeat(cond, 2), gen); // (2B, 3, H, W)
        Tensor yHat = decoded.narrow(0, 0, batchSize);
        Tensor yRec = decoded.narrow(0, batchSize, batchSize);
        Tensor lImg = imageLoss(yHat, yj);
        Tensor lAe = imageLoss(yRec, yj);
        lastTerms = new double[]{lx.item_double(), lLat.item_double(), lImg.item_double(), lAe.item_double()};
        return lx.mul(Tensors.s(weights.flow())).add(lLat.mul(Tensors.s(weights.latent())))
                .add(lImg.mul(Tensors.s(weights.image()))).add(lAe.mul(Tensors.s(weights.autoencoder())));
    }

    private Tensor randomPairs(int batchSize, Generator gen) {
        return torch.randint(pairs.count(), new long[]{batchSize}, new GeneratorOptional(gen),
                new TensorOptions(torch.ScalarType.Long));
    }

    private int[] randomTimesteps(int batchSize, Generator gen) {
        Tensor t = torch.randint(model.schedule().numTrainTimesteps(), new long[]{batchSize},
                new GeneratorOptional(gen), new TensorOptions(torch.ScalarType.Long));
        return java.util.Arrays.stream(Tensors.toLongs(t)).mapToInt(v -> (int) v).toArray();
    }

    private static long[] toLongs(int[] t) {
        return java.util.Arrays.stream(t).mapToLong(v -> v).toArray();
    }

    /** (B, s·c, h, w): the source latents, stored after x_j and y_j in the batched encoding, side by side. */
    private static Tensor sourceLatents(Tensor all, int b, int s) {
        Tensor[] parts = new Tensor[s];
        for (int k = 0; k < s; k++) {
            parts[k] = all.narrow(0, (2L + k) * b, b);
        }
        return Tensors.cat(1, parts);
    }

    private static Tensor flowLoss(FewshotModel.Condition cond, List<Tensor> xi, Tensor xj) {
        Tensor sum = null;
        for (int k = 0; k < xi.size(); k++) {
            Tensor l = torch.mse_loss(cond.fields().get(k).apply(xi.get(k)), xj);
            sum = sum == null ? l : sum.add(l);
        }
        return sum.div(Tensors.s(xi.size()));
    }

    private Tensor imageLoss(Tensor pred, Tensor target) {
        Tensor mse = torch.mse_loss(pred, target);
        return weights.focal() == 0 ? mse : mse.add(FocalFrequencyLoss.of(pred, target, 1.0).mul(Tensors.s(weights.focal())));
    }

    /** The condition with its skips repeated k times along the batch (to decode k latents per target at once). */
    static FewshotModel.Condition repeat(FewshotModel.Condition c, int k) {
        List<Tensor> skips = c.skips().stream().map(t -> t.repeat(k, 1, 1, 1)).toList();
        return new FewshotModel.Condition(c.context(), c.xjLatent(), skips, c.fields());
    }
}
