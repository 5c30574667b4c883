package dev.retouch.diffusion.clip;

import dev.retouch.core.RetouchException;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.InterpolateFuncOptions;
import org.bytedeco.pytorch.InterpolateMode;
import org.bytedeco.pytorch.LongVector;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.kBicubic;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The image half of a CLIP as the editing methods use it, on images in our [−1, 1] convention: the vision tower's token
 * states, the same states projected into the image–text space, and the projected image features. Each call first
 * applies the encoder's own preprocessing (resize to its input size, per-channel normalisation). Either a view of a
 * full {@link ClipModel} (emoji-clip, trained on [−1, 1] images at its own size) or transformers'
 * {@code CLIPVisionModelWithProjection} of its own (a diffusers pipeline's {@code image_encoder}, with the mean and
 * standard deviation of its {@code feature_extractor}).
 */
public final class ClipImageEncoder {
    /**
     * How images are prepared: resized to {@code size}² (bicubic with antialiasing, as a PIL resize shrinks; square
     * inputs assumed, as every method passes) and normalised per channel as (x₀₁ − mean) / std, where x₀₁ = (x + 1)/2.
     */
    public record Preprocessing(int size, double[] mean, double[] std) {
        /** OpenAI CLIP's mean and standard deviation (CLIPImageProcessor's defaults). */
        public static final double[] OPENAI_MEAN = {0.48145466, 0.4578275, 0.40821073};
        public static final double[] OPENAI_STD = {0.26862954, 0.26130258, 0.27577711};

        public Preprocessing {
            if (size < 1 || mean == null || std == null || mean.length != 3 || std.length != 3
                    || Arrays.stream(std).anyMatch(s -> !(s > 0))) {
                throw new IllegalArgumentException("preprocessing needs a positive size and three means and three "
                        + "positive standard deviations");
            }
            mean = mean.clone();
            std = std.clone();
        }

        /** Mean 0.5 and std 0.5: the identity on [−1, 1] images (what emoji-clip was trained on). */
        public static Preprocessing minusOneToOne(int size) {
            return new Preprocessing(size, new double[]{0.5, 0.5, 0.5}, new double[]{0.5, 0.5, 0.5});
        }

        /** OpenAI CLIP's normalisation at {@code size}². */
        public static Preprocessing openAi(int size) {
            return new Preprocessing(size, OPENAI_MEAN, OPENAI_STD);
        }

        /** Whether the normalisation leaves [−1, 1] images unchanged (mean and std 0.5 in every channel). */
        public boolean keepsMinusOneToOne() {
            return Arrays.stream(mean).allMatch(m -> m == 0.5) && Arrays.stream(std).allMatch(s -> s == 0.5);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Preprocessing p && p.size == size && Arrays.equals(p.mean, mean)
                    && Arrays.equals(p.std, std);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * size + Arrays.hashCode(mean)) + Arrays.hashCode(std);
        }

        @Override
        public String toString() {
            return size + "², mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
        }
    }

    private final ClipVisionTransformer vision;
    private final Linear projection;
    private final int projectionDim;
    private final Preprocessing preprocessing;
    private final Module owner;

    private ClipImageEncoder(ClipVisionTransformer vision, Linear projection, int projectionDim,
                             Preprocessing preprocessing, Module owner) {
        if (preprocessing.size() != vision.config().imageSize()) {
            throw new RetouchException("the image encoder's preprocessing resizes to " + preprocessing.size()
                    + "² but its vision tower takes " + vision.config().imageSize() + "² images");
        }
        this.vision = vision;
        this.projection = projection;
        this.projectionDim = projectionDim;
        this.preprocessing = preprocessing;
        this.owner = owner;
    }

    /** The image half of a full CLIP (its vision tower and visual projection), on [−1, 1] images at its size. */
    public static ClipImageEncoder of(ClipModel full) {
        ClipVisionTransformer vision = full.visionModel(); // a text encoder alone: the model's own error
        return new ClipImageEncoder(vision, full.visualProjection(), full.config().projectionDim(),
                Preprocessing.minusOneToOne(full.config().vision().imageSize()), null);
    }

    /** A stand-alone {@code CLIPVisionModelWithProjection} with its preprocessing. */
    public static ClipImageEncoder of(ClipVisionModelWithProjection model, Preprocessing preprocessing) {
        return new ClipImageEncoder(model.visionModel(), model.visualProjection(), model.projectionDim(),
                preprocessing, model);
    }

    public ClipConfig.Vision config() {
        return vision.config();
    }

    /** The width of the projected states and features. */
    public int projectionDim() {
        return projectionDim;
    }

    public Preprocessing preprocessing() {
        return preprocessing;
    }

    /** The weights of a stand-alone encoder (to move or count them); null for a view of a full CLIP. */
    public Module ownModule() {
        return owner;
    }

    /**
     * The weights under transformers' {@code CLIPVisionModelWithProjection} names ({@code vision_model.*},
     * {@code visual_projection.weight}), shared with the model (not copies).
     */
    public Map<String, Tensor> weights() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        vision.stateDict().forEach((k, v) -> out.put("vision_model." + k, v));
        projection.stateDict().forEach((k, v) -> out.put("visual_projection." + k, v));
        return out;
    }

    /** The tokens per image: the class token and one per patch. */
    public int tokens() {
        return vision.config().patches() + 1;
    }

    /**
     * Images (B, 3, S, S) in [−1, 1] → the vision tower's input (B, 3, size, size), resized and normalised, on the
     * weights' device and in their type (the outputs of {@link #states} and the rest are there too).
     */
    public Tensor prepare(Tensor images) {
        if (images.dim() != 4 || images.size(1) != 3) {
            throw new IllegalArgumentException("the image encoder needs (B, 3, H, W) images");
        }
        // weights placed elsewhere (e.g. CUDA, fp16): the images go to their device, are prepared in float32 (the
        // antialiased resize has no half-precision CPU kernel) and are then cast to the weights' type
        Tensor w = projection.weight();
        Tensor x = Tensors.onDeviceOf(w, images).to(torch.ScalarType.Float);
        int s = preprocessing.size();
        if (x.size(2) != s || x.size(3) != s) {
            x = resize(x, s);
        }
        if (preprocessing.keepsMinusOneToOne()) {
            return Tensors.placedLike(w, x);
        }
        double[] m = preprocessing.mean();
        double[] d = preprocessing.std();
        // ((x + 1)/2 − mean)/std = x·(1/(2 std)) + (0.5 − mean)/std, per channel
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = (float) (0.5 / d[c]);
            shift[c] = (float) ((0.5 - m[c]) / d[c]);
        }
        Tensor a = Tensors.placedLike(x, Tensors.of(scale, 1, 3, 1, 1));
        Tensor b = Tensors.placedLike(x, Tensors.of(shift, 1, 3, 1, 1));
        return Tensors.placedLike(w, x.mul(a).add(b));
    }

    /** Bicubic resize of (B, C, H, W) to size², antialiased when shrinking (torch's {@code antialias=True}). */
    static Tensor resize(Tensor x, int size) {
        InterpolateFuncOptions o = new InterpolateFuncOptions();
        o.size().put(new LongVector(size, size));
        o.mode().put(new InterpolateMode(new kBicubic()));
        o.align_corners().put(false);
        o.antialias().put(true);
        return torch.interpolate(x, o);
    }

    /** The last hidden states (B, 1 + patches, width) of images in [−1, 1]. */
    public Tensor states(Tensor images) {
        return vision.forward(prepare(images)).lastHiddenState();
    }

    /**
     * Every token's state after the final layer norm, projected into the image–text space (B, 1 + patches,
     * projectionDim): the class token's row is {@link #features}.
     */
    public Tensor projectedStates(Tensor images) {
        return projection.forward(vision.postLayernorm(states(images)));
    }

    /** Projected image features (B, projectionDim), not normalised. */
    public Tensor features(Tensor images) {
        return projection.forward(vision.forward(prepare(images)).pooled());
    }
}
