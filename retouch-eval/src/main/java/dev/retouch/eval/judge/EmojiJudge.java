package dev.retouch.eval.judge;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.ModelDirectory;
import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.diffusion.unet.ResnetBlock2D;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.Map;

/**
 * emoji-judge: an evaluation-only convolutional network that reads pixels and says what an image is. Nothing a
 * method uses (no CLIP, no diffusion UNet, no pixelguide classifier) is inside it, and no method, guidance, loss or
 * training task may use it (an architecture test enforces that), so it can score every method honestly.
 *
 * <p>A stride-2 stem, then four levels of one pre-activation residual block each (widths {@code channels}, at
 * 32, 16, 8 and 4 px; stride-2 3×3 convolutions between them). Heads: (a) global mean of the last level after
 * GroupNorm + SiLU = the {@link #featureDim()} features used for Fréchet distances, then a linear subcategory
 * classifier; (c) a face-part map at 32×32 from the first three levels (1×1 laterals, nearest upsampling, summed,
 * then GroupNorm, SiLU, 3×3 and 1×1 convolutions).
 */
public final class EmojiJudge extends Module {
    private final JudgeConfig config;
    private final Conv2d convIn;
    private final ModuleList<ResnetBlock2D> blocks;
    private final ModuleList<Conv2d> downsamplers;
    private final GroupNorm normOut;
    private final Linear classifier;
    private final ModuleList<Conv2d> laterals;
    private final GroupNorm segNorm;
    private final Conv2d segConv;
    private final Conv2d segOut;

    /** Outputs of one pass: subcategory logits (B, K), features (B, F), face-part logits (B, classes, 32, 32). */
    public record Output(Tensor logits, Tensor features, Tensor faceLogits) {
    }

    public EmojiJudge(JudgeConfig config) {
        this.config = config;
        var ch = config.channels();
        int g = config.normGroups();
        this.convIn = child("conv_in", new Conv2d(3, ch.get(0), 3, 2, 1));
        this.blocks = child("blocks", new ModuleList<>());
        this.downsamplers = child("downsamplers", new ModuleList<>());
        for (int i = 0; i < 4; i++) {
            int in = i == 0 ? ch.get(0) : ch.get(i - 1);
            blocks.add(new ResnetBlock2D(in, ch.get(i), 0, Math.min(g, in), 1e-5, 0.0));
            if (i < 3) {
                downsamplers.add(new Conv2d(ch.get(i), ch.get(i), 3, 2, 1));
            }
        }
        this.normOut = child("norm_out", new GroupNorm(g, ch.get(3), 1e-5));
        this.classifier = child("classifier", new Linear(ch.get(3), config.subcategories().size()));
        int seg = ch.get(1);
        this.laterals = child("laterals", new ModuleList<>());
        for (int i = 0; i < 3; i++) {
            laterals.add(new Conv2d(ch.get(i), seg, 1, 1, 0));
        }
        this.segNorm = child("seg_norm", new GroupNorm(g, seg, 1e-5));
        this.segConv = child("seg_conv", new Conv2d(seg, seg, 3, 1, 1));
        this.segOut = child("seg_out", new Conv2d(seg, config.faceClasses(), 1, 1, 0));
    }

    public JudgeConfig config() {
        return config;
    }

    public int featureDim() {
        return config.featureDim();
    }

    /** x (B, 3, 64, 64) in [−1, 1] → logits, features, face-part logits. */
    public Output forward(Tensor x) {
        Tensor[] levels = levels(x);
        Tensor features = torch.silu(normOut.forward(levels[3])).mean(new long[]{2, 3}, false, new ScalarTypeOptional());
        Tensor logits = classifier.forward(features);                   // (B, K)
        return new Output(logits, features, faceHead(levels));
    }

    /**
     * The trunk: the outputs of the four levels (at 32, 16, 8 and 4 px; the last is the classifier's input).
     * Separate so that the face-part head can be trained on a frozen trunk.
     */
    public Tensor[] levels(Tensor x) {
        Tensor h = convIn.forward(x);                                   // (B, c0, 32, 32)
        Tensor[] levels = new Tensor[4];
        for (int i = 0; i < 4; i++) {
            h = blocks.get(i).forward(h, null);
            levels[i] = h;
            if (i < 3) {
                h = downsamplers.get(i).forward(h);
            }
        }
        return levels;
    }

    /** The face-part head on the trunk's levels → logits (B, classes, 32, 32). */
    public Tensor faceHead(Tensor[] levels) {
        long side = config.segmentSize();
        Tensor s = null;
        for (int i = 0; i < 3; i++) {
            Tensor l = laterals.get(i).forward(levels[i]);
            l = l.size(2) == side ? l : torch.upsample_nearest2d(l, new long[]{side, side});
            s = s == null ? l : s.add(l);
        }
        return segOut.forward(torch.silu(segConv.forward(torch.silu(segNorm.forward(s)))));
    }

    /** Whether a parameter (state-dict name) belongs to the face-part head (the rest is the trunk and classifier). */
    public static boolean isFaceHead(String name) {
        return name.startsWith("laterals.") || name.startsWith("seg_");
    }

    /** The judge {@code name} (name or directory) of the store, loaded once and shared. */
    public static EmojiJudge fromStore(dev.retouch.edit.ModelStore store, String name) {
        return store.load(store.resolve(name), EmojiJudge.class, EmojiJudge::load);
    }

    /**
     * The judge {@code name} of the store, or null, with a warning, when there is none (no name, or not found); a
     * judge that is there but damaged is an error.
     */
    public static EmojiJudge optional(dev.retouch.edit.ModelStore store, String name,
                                      java.util.function.Consumer<String> warnings) {
        if (name == null) {
            return null;
        }
        Path dir;
        try {
            dir = store.resolve(name);
        } catch (RetouchException e) {
            warnings.accept("no judge readings: " + e.getMessage());
            return null;
        }
        return store.load(dir, EmojiJudge.class, EmojiJudge::load);
    }

    /** Loads a judge directory strictly: a config that does not match the weights names the first mismatch. */
    public static EmojiJudge load(Path dir) {
        ModelDirectory md = ModelDirectory.open(dir);
        EmojiJudge judge = new EmojiJudge(md.config(JudgeConfig.class));
        md.loadInto(judge);
        return judge;
    }

    /** Writes a judge directory with fp16 weights. */
    public static void save(Path dir, JudgeConfig config, Map<String, Tensor> weights, String modelCard) {
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }
}
