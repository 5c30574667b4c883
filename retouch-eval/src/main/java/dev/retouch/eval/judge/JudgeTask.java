package dev.retouch.eval.judge;

import dev.retouch.core.engine.Convolution;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.train.TrainingTask;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;

/**
 * The judge's objective: cross-entropy of the subcategory on a batch of emoji images plus
 * {@code faceWeight} × per-pixel cross-entropy of the face parts on a quarter-size batch of labelled faces, both
 * under strong augmentation (so the judge reads shapes and colours, not exact pixels): random zoom 0.8–1.2, rotation
 * ±15°, shift ±10 %, horizontal flip, brightness ±0.15 and contrast 0.85–1.15 (pixels in [−1, 1]), and on a third
 * of the images each a 3×3 binomial blur (as blurry generated images) or Gaussian noise (σ ≤ 0.1).
 */
public final class JudgeTask implements TrainingTask {
    private final EmojiJudge judge;
    private final Tensor images;  // (N, 3, 64, 64)
    private final Tensor labels;  // (N) int64
    private final Tensor faces;   // (M, 3, 64, 64)
    private final Tensor maps;    // (M, 32, 32) int64
    private final double faceWeight;
    private final Tensor classWeights; // (classes) float, or null: plain per-pixel cross-entropy

    /** The whole judge: subcategory loss on a batch plus {@code faceWeight} × face-part loss on a quarter batch. */
    public JudgeTask(EmojiJudge judge, JudgeData.Labelled train, JudgeData.Faces faces, double faceWeight) {
        this.judge = judge;
        this.images = Tensors.keep(train.images());
        this.labels = Tensors.keep(Tensors.ofLongs(train.labels(), train.labels().length));
        this.faces = Tensors.keep(faces.images());
        this.maps = Tensors.keep(faces.maps());
        this.faceWeight = faceWeight;
        this.classWeights = null;
    }

    private JudgeTask(EmojiJudge judge, JudgeData.Faces faces, double[] classWeights) {
        this.judge = judge;
        this.images = null;
        this.labels = null;
        this.faces = Tensors.keep(faces.images());
        this.maps = Tensors.keep(faces.maps());
        this.faceWeight = 1;
        this.classWeights = classWeights == null ? null : Tensors.keep(Tensors.of(toFloats(classWeights), classWeights.length));
    }

    /**
     * Only the face-part head learns: the trunk runs without gradients, so the classifier, the Fréchet features and
     * every number measured with them stay exactly as they were. The loss is the per-pixel cross-entropy of a whole
     * batch of augmented labelled faces, weighted per class by {@code classWeights} when given.
     */
    public static JudgeTask faceHeadOnly(EmojiJudge judge, JudgeData.Faces faces, double[] classWeights) {
        if (classWeights != null && classWeights.length != judge.config().faceClasses()) {
            throw new IllegalArgumentException(classWeights.length + " class weights for "
                    + judge.config().faceClasses() + " face classes");
        }
        return new JudgeTask(judge, faces, classWeights);
    }

    /**
     * Class weights (median frequency / frequency)^½ from the pixel counts of the maps (M, H, W), clipped to
     * [0.2, 5]: rare parts (tears, hands) count more without letting a handful of pixels dominate. Classes with no
     * pixel get the largest weight (they cannot contribute to the loss anyway).
     */
    public static double[] balancedWeights(Tensor maps, int classes) {
        long[] ids = Tensors.toLongs(maps);
        long[] count = new long[classes];
        for (long id : ids) {
            count[(int) id]++;
        }
        long[] sorted = java.util.Arrays.stream(count).filter(c -> c > 0).sorted().toArray();
        double median = sorted.length == 0 ? 1 : sorted[sorted.length / 2];
        double[] w = new double[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = count[c] == 0 ? 5 : Math.max(0.2, Math.min(5, Math.sqrt(median / count[c])));
        }
        return w;
    }

    private static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    @Override
    public Module model() {
        return judge;
    }

    @Override
    public Tensor loss(int batchSize, Generator gen) {
        if (images == null) {
            Tensor fidx = draw(faces.size(0), batchSize, gen);
            Tensor[] fm = augment(faces.index_select(0, fidx), maps.index_select(0, fidx), gen);
            Tensor[] levels;
            try (NoGradGuard ignored = new NoGradGuard()) {
                levels = judge.levels(fm[0]);
            }
            Tensor logits = judge.faceHead(levels);
            return classWeights == null ? torch.cross_entropy_loss(logits, fm[1])
                    : torch.cross_entropy_loss(logits, fm[1], new TensorOptional(classWeights), 1, -100, 0.0);
        }
        Tensor idx = draw(images.size(0), batchSize, gen);
        Tensor x = augment(images.index_select(0, idx), null, gen)[0];
        Tensor loss = torch.cross_entropy_loss(judge.forward(x).logits(), labels.index_select(0, idx));
        int faceBatch = Math.max(2, batchSize / 4);
        Tensor fidx = draw(faces.size(0), faceBatch, gen);
        Tensor[] fm = augment(faces.index_select(0, fidx), maps.index_select(0, fidx), gen);
        Tensor faceLoss = torch.cross_entropy_loss(judge.forward(fm[0]).faceLogits(), fm[1]);
        return loss.add(faceLoss.mul(Tensors.s(faceWeight)));
    }

    private static Tensor draw(long n, int count, Generator gen) {
        return torch.randint(n, new long[]{count}, new GeneratorOptional(gen), new TensorOptions(torch.ScalarType.Long));
    }

    /** Augments x (B, 3, 64, 64) and, with the same geometry, maps (B, 32, 32) when given. */
    static Tensor[] augment(Tensor x, Tensor maps, Generator gen) {
        long b = x.size(0);
        float[] u = Tensors.toFloats(Tensors.rand(gen, b, 8));
        float[] th = new float[(int) b * 6];
        float[] bright = new float[(int) b];
        float[] contrast = new float[(int) b];
        float[] blur = new float[(int) b];
        float[] noise = new float[(int) b];
        for (int i = 0; i < b; i++) {
            double phi = Math.toRadians(15 * (2 * u[8 * i] - 1));
            double s = 0.8 + 0.4 * u[8 * i + 1];
            double flip = u[8 * i + 4] < 0.5 ? -1 : 1;
            double cos = Math.cos(phi) / s;
            double sin = Math.sin(phi) / s;
            float[] m = {(float) (flip * cos), (float) -sin, (float) (0.2 * (2 * u[8 * i + 2] - 1)),
                    (float) (flip * sin), (float) cos, (float) (0.2 * (2 * u[8 * i + 3] - 1))};
            System.arraycopy(m, 0, th, 6 * i, 6);
            bright[i] = 0.3f * (2 * u[8 * i + 5] - 1) * 0.5f;
            contrast[i] = 0.85f + 0.3f * u[8 * i + 6];
            float r = u[8 * i + 7];
            blur[i] = r < 1 / 3f ? 1 : 0;
            noise[i] = r > 2 / 3f ? 0.1f * (r - 2 / 3f) * 3 : 0;
        }
        Tensor[] warped = warp(x, maps, Tensors.of(th, b, 2, 3));
        Tensor y = warped[0];
        Tensor mean = y.mean(new long[]{1, 2, 3}, true, new ScalarTypeOptional());
        y = y.sub(mean).mul(Tensors.of(contrast, b, 1, 1, 1)).add(mean).add(Tensors.of(bright, b, 1, 1, 1));
        Tensor blurred = gaussianBlur(y);
        Tensor k = Tensors.of(blur, b, 1, 1, 1);
        y = blurred.mul(k).add(y.mul(k.neg().add(Tensors.s(1))));
        y = y.add(Tensors.randn(gen, b, 3, 64, 64).mul(Tensors.of(noise, b, 1, 1, 1)));
        y = y.clamp(new ScalarOptional(Tensors.s(-1)), new ScalarOptional(Tensors.s(1)));
        return maps == null ? new Tensor[]{y} : new Tensor[]{y, warped[1]};
    }

    /**
     * The same affine map θ (B, 2, 3), in normalised coordinates, applied to images (bilinear, border: white stays
     * white) and to face-part maps of any size (nearest, so class ids stay ids).
     */
    static Tensor[] warp(Tensor x, Tensor maps, Tensor theta) {
        long b = x.size(0);
        Tensor grid = torch.affine_grid_generator(theta, new long[]{b, x.size(1), x.size(2), x.size(3)}, false);
        Tensor y = torch.grid_sampler(x, grid, 0, 1, false);
        if (maps == null) {
            return new Tensor[]{y};
        }
        Tensor mg = torch.affine_grid_generator(theta, new long[]{b, 1, maps.size(1), maps.size(2)}, false);
        Tensor m = torch.grid_sampler(maps.unsqueeze(1).to(torch.ScalarType.Float), mg, 1, 1, false);
        return new Tensor[]{y, m.squeeze(1).round().to(torch.ScalarType.Long)};
    }

    /** 3×3 binomial blur per channel (σ ≈ 0.7 px), edges replicated. */
    private static Tensor gaussianBlur(Tensor x) {
        float[] k = {1, 2, 1, 2, 4, 2, 1, 2, 1};
        for (int i = 0; i < 9; i++) {
            k[i] /= 16f;
        }
        Tensor w = Tensors.of(k, 1, 1, 3, 3).expand(3, 1, 3, 3).contiguous();
        Tensor padded = torch.replication_pad2d(x, new long[]{1, 1, 1, 1});
        return Convolution.conv2d(padded, w, null, new long[]{1, 1}, new long[]{0, 0}, 3);
    }
}
