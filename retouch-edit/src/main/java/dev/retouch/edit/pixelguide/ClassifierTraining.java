package dev.retouch.edit.pixelguide;

import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.train.AdamW;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * Trains one pixel classifier per timestep (paper 004 / official code): for each t, the labelled images are noised
 * with one shared seeded noise, passed through the frozen UNet for features, and an MLP is fitted to every pixel's
 * label with Adam (lr 1e-3) in mini-batches, stopping early when an epoch no longer lowers the loss by 1 %.
 */
public final class ClassifierTraining {
    /**
     * @param batchPixels pixels per optimizer step
     * @param maxEpochs   upper bound on passes over the pixels of one timestep
     */
    public record Options(int hidden1, int hidden2, int batchPixels, int maxEpochs, double learningRate, long seed) {
        public static Options defaults() {
            return new Options(128, 32, 256, 8, 1e-3, 0);
        }
    }

    private ClassifierTraining() {
    }

    /** Fits classifiers at {@code timesteps} on images (N, 3, S, S) in [−1, 1] with their label maps. */
    public static PixelClassifiers train(PixelDiffusionModel model, String modelName, Tensor images,
                                         List<LabelMap> maps, List<Integer> timesteps, Options o, StepListener listener) {
        int s = model.sampleSize();
        List<String> blocks = UNetFeatures.decoderBlocks(model.unet());
        int features = UNetFeatures.channels(model.unet(), blocks);
        ClassifierConfig cfg = new ClassifierConfig(ClassifierConfig.TYPE, modelName, blocks, features,
                o.hidden1(), o.hidden2(), FaceClass.values().length, s, timesteps, o.seed());
        PixelClassifiers pc = new PixelClassifiers(cfg);
        Tensor noise = Tensors.keep(Tensors.randn(Tensors.generator(o.seed()), Tensors.shape(images)));
        Tensor labels = Tensors.keep(labelTensor(maps));
        Generator gen = Tensors.generator(o.seed() + 1);
        int done = 0;
        for (int t : timesteps) {
            PixelMlp mlp = pc.classifiers().get(t);
            mlp.initialize(gen);
            try (PointerScope ignored = new PointerScope()) {
                Tensor x = pixelFeatures(model, images, noise, t, cfg);
                fit(mlp, x, labels, o, gen);
            }
            mlp.eval();
            if (listener != null) {
                listener.onStep(++done, timesteps.size(), Double.NaN);
            }
        }
        return pc;
    }

    /** (N·S·S) int64 labels, pixel order matching {@link #pixelFeatures}. */
    static Tensor labelTensor(List<LabelMap> maps) {
        int per = maps.get(0).classes().length;
        long[] v = new long[maps.size() * per];
        for (int i = 0; i < maps.size(); i++) {
            byte[] c = maps.get(i).classes();
            for (int p = 0; p < per; p++) {
                v[i * per + p] = c[p];
            }
        }
        return Tensor.create(v, v.length);
    }

    /** (N·S·S, F) features of q_sample(images, t) in batches of 16. */
    static Tensor pixelFeatures(PixelDiffusionModel model, Tensor images, Tensor noise, int t, ClassifierConfig cfg) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            long n = images.size(0);
            Tensor[] parts = new Tensor[(int) ((n + 15) / 16)];
            for (int b = 0; b < parts.length; b++) {
                long from = b * 16L;
                long to = Math.min(n, from + 16);
                Tensor x0 = images.narrow(0, from, to - from);
                Tensor xt = model.schedule().addNoise(x0, noise.narrow(0, from, to - from), t);
                Tensor f = UNetFeatures.run(model.unet(), xt, t, cfg.featureBlocks()).features();
                parts[b] = f.permute(0, 2, 3, 1).reshape(-1, f.size(1));
            }
            return Tensors.cat(0, parts);
        }
    }

    private static void fit(PixelMlp mlp, Tensor x, Tensor y, Options o, Generator gen) {
        mlp.train(true);
        AdamW opt = new AdamW(mlp.namedParameters(), 0.0);
        long n = x.size(0);
        double previous = Double.MAX_VALUE;
        for (int epoch = 0; epoch < o.maxEpochs(); epoch++) {
            Tensor order = torch.randperm(n, new GeneratorOptional(gen), new TensorOptions(torch.ScalarType.Long));
            double sum = 0;
            int batches = 0;
            for (long from = 0; from + o.batchPixels() <= n; from += o.batchPixels()) {
                try (PointerScope ignored = new PointerScope()) {
                    Tensor idx = order.narrow(0, from, o.batchPixels());
                    opt.zeroGrad();
                    Tensor loss = torch.cross_entropy_loss(mlp.forward(x.index_select(0, idx)), y.index_select(0, idx));
                    loss.backward();
                    opt.step(o.learningRate());
                    sum += loss.item_double();
                    batches++;
                }
            }
            double mean = sum / Math.max(1, batches);
            if (mean > previous * 0.99) {
                break;
            }
            previous = mean;
        }
    }
}
