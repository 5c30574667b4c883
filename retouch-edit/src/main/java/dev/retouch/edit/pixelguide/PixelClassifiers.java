package dev.retouch.edit.pixelguide;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One {@link PixelMlp} per trained timestep (paper 004: "a single pixel classifier at each time step"), stored as
 * one model directory with weights {@code t<T>.layers.<i>.…}. A timestep without its own classifier uses the nearest
 * trained one (our deviation for full-step runs: we train the respaced grid, not all 751 timesteps).
 */
public final class PixelClassifiers {
    private final ClassifierConfig config;
    private final TreeMap<Integer, PixelMlp> byTimestep = new TreeMap<>();

    public PixelClassifiers(ClassifierConfig config) {
        this.config = config;
        for (int t : config.timesteps()) {
            byTimestep.put(t, new PixelMlp(config.features(), config.hidden1(), config.hidden2(), config.classes()));
        }
    }

    public ClassifierConfig config() {
        return config;
    }

    /** The classifier trained at t, or at the nearest trained timestep. */
    public PixelMlp at(int t) {
        Integer lo = byTimestep.floorKey(t);
        Integer hi = byTimestep.ceilingKey(t);
        int k = lo == null ? hi : hi == null ? lo : (t - lo <= hi - t ? lo : hi);
        return byTimestep.get(k);
    }

    public Map<Integer, PixelMlp> classifiers() {
        return byTimestep;
    }

    /**
     * Class logits (B, C, S, S) for images x₀ (B, 3, S, S) noised to t with {@code gen}'s noise: the features of
     * q_sample(x₀, t) through the classifier of t (eval mode).
     */
    public Tensor logits(PixelDiffusionModel model, Tensor x0, int t, Generator gen) {
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor xt = model.schedule().addNoise(x0, Tensors.randn(gen, Tensors.shape(x0)), t);
            Tensor f = UNetFeatures.run(model.unet(), xt, t, config.featureBlocks()).features();
            PixelMlp mlp = at(t);
            mlp.eval();
            return mlp.forwardMap(f);
        }
    }

    /**
     * The segmentation of one image (1, 3, S, S) at t = 0 (paper: segment the input, then edit its map): the argmax
     * of the t = 0 classifier, then {@link LabelMap#despeckle}. Without it, isolated wrong pixels (mostly on the face
     * rim) each grow into a 7×7 block of the dilated ROI and make ROIs far larger than the edited part.
     */
    public LabelMap segment(PixelDiffusionModel model, Tensor x0, long seed) {
        Generator gen = Tensors.generator(seed); // kept: released below
        try (PointerScope ignored = new PointerScope()) {
            Tensor arg = torch.argmax(logits(model, x0, 0, gen), new org.bytedeco.pytorch.LongOptional(1), false);
            long[] v = new long[(int) arg.numel()];
            new org.bytedeco.javacpp.LongPointer(arg.contiguous().data_ptr()).get(v);
            byte[] c = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                c[i] = (byte) v[i];
            }
            return new LabelMap(config.imageSize(), config.imageSize(), c).despeckle();
        } finally {
            Tensors.release(gen);
        }
    }

    /** Writes the model directory; weights are stored as fp16 (loaded back into fp32). */
    public void save(Path dir, String modelCard) {
        Map<String, Tensor> weights = new LinkedHashMap<>();
        byTimestep.forEach((t, mlp) -> mlp.stateDict().forEach((k, v) ->
                weights.put("t" + t + "." + k, v.detach().to(torch.ScalarType.Half))));
        ModelDirectory.save(dir, config, weights, modelCard);
    }

    public static PixelClassifiers load(Path dir) {
        ModelDirectory md = ModelDirectory.open(dir);
        PixelClassifiers pc = new PixelClassifiers(md.config(ClassifierConfig.class));
        Map<String, Tensor> all = md.weights();
        for (var e : pc.byTimestep.entrySet()) {
            String prefix = "t" + e.getKey() + ".";
            Map<String, Tensor> own = new LinkedHashMap<>();
            all.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    own.put(k.substring(prefix.length()), v);
                }
            });
            try {
                e.getValue().loadStateDict(own, true);
            } catch (RetouchException ex) {
                throw new RetouchException(md.weightsFile() + " (classifier t=" + e.getKey() + "): " + ex.getMessage(), ex);
            }
            e.getValue().eval();
        }
        return pc;
    }
}
