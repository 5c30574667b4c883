package dev.retouch.edit.rectifier;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.nn.GroupNorm;
import dev.retouch.core.nn.Linear;
import dev.retouch.core.nn.Module;
import dev.retouch.core.nn.ModuleList;
import dev.retouch.diffusion.unet.TimestepEmbedding;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.retouch.core.RetouchException;
import dev.retouch.core.io.ModelDirectory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rectifier hypernetwork (paper 002, Fig. 2 and supplementary Fig. 9): a ResNet-style global encoder over the
 * 6-channel concatenation [x₀, x̂₀(x_t)] and one subnet per modulated convolution, each reducing the encoder's
 * features to 1×1, adding the sinusoidal time embedding as the UNet's resnets do, and emitting two slim factors
 * A (C_in·k·k) and B (C_out·k·k) whose product is the kernel offset Δ[o, i, y, x] = A[i, y, x]·B[o, y, x].
 * B's head starts at zero, so a new rectifier leaves the base model unchanged (Δ = 0) while A's random head lets
 * the first gradients reach B.
 */
public final class Rectifier extends Module {
    private final RectifierConfig config;
    private final Conv2d stem;
    private final GroupNorm stemNorm;
    private final ModuleList<EncoderStage> stages = new ModuleList<>();
    private final Linear time1;
    private final Linear time2;
    private final ModuleList<Subnet> subnets = new ModuleList<>();

    public Rectifier(RectifierConfig config) {
        this.config = config;
        List<Integer> ch = config.encoderChannels();
        this.stem = child("stem", new Conv2d(6, ch.get(0), 3, 1, 1));
        this.stemNorm = child("stem_norm", new GroupNorm(groups(ch.get(0)), ch.get(0), 1e-5));
        child("stages", stages);
        int prev = ch.get(0);
        for (int c : ch) {
            stages.add(new EncoderStage(prev, c));
            prev = c;
        }
        this.time1 = child("time_1", new Linear(config.timeDim(), config.timeDim()));
        this.time2 = child("time_2", new Linear(config.timeDim(), config.timeDim()));
        child("subnets", subnets);
        int side = config.imageSize() >> ch.size();
        for (RectifierConfig.Layer l : config.layers()) {
            subnets.add(new Subnet(prev, side, config.subnetChannels(), config.timeDim(), l));
        }
    }

    public RectifierConfig config() {
        return config;
    }

    /**
     * Loads a rectifier directory (config.json of type {@value RectifierConfig#TYPE}, its weights, its card).
     *
     * @throws RetouchException naming the directory and the problem
     */
    public static Rectifier load(Path dir) {
        ModelDirectory md;
        try {
            md = ModelDirectory.open(dir);
        } catch (RetouchException e) {
            throw new RetouchException("not a rectifier: " + e.getMessage(), e);
        }
        JsonNode tree = md.configTree();
        String type = tree.path("type").asText("");
        if (!RectifierConfig.TYPE.equals(type) || tree.path("formatVersion").asInt(-1) != RectifierConfig.FORMAT_VERSION) {
            throw new RetouchException(md.configFile() + ": not a rectifier of format " + RectifierConfig.FORMAT_VERSION
                    + " (type '" + type + "', version " + tree.path("formatVersion") + ")");
        }
        Rectifier r = new Rectifier(md.config(RectifierConfig.class));
        md.loadInto(r);
        r.eval();
        return r;
    }

    /** Writes a rectifier directory: the config, the weights as fp16, the model card. */
    public static void save(Path dir, RectifierConfig config, Map<String, Tensor> weights, String modelCard) {
        ModelDirectory.saveHalf(dir, config, weights, modelCard);
    }

    /**
     * The base model's directory named by a rectifier directory's config: a shipped model's name (resolved by
     * {@code byName}, e.g. a model store) or a path relative to the rectifier's directory.
     */
    public static Path baseDir(Path dir, RectifierConfig config, java.util.function.Function<String, Path> byName) {
        return resolve(dir, config.base(), byName);
    }

    /** A model reference written in {@code dir}: a shipped model's name, or a path relative to {@code dir}. */
    public static Path resolve(Path dir, String ref, java.util.function.Function<String, Path> byName) {
        return isName(ref) ? byName.apply(ref) : dir.resolve(ref).normalize();
    }

    /** True for a shipped model's name, false for a path (one with a separator or starting with a dot). */
    public static boolean isName(String ref) {
        return !ref.contains("/") && !ref.contains("\\") && !ref.startsWith(".");
    }

    private static int groups(int channels) {
        return channels % 8 == 0 ? 8 : 1;
    }

    @Override
    protected void finishInitialization() {
        for (int i = 0; i < subnets.size(); i++) {
            zeroParameters(subnets.get(i).headB);
        }
    }

    /**
     * The kernel offsets of every modulated layer, by layer name: (B, C_out, C_in, k, k) each.
     *
     * @param x0    the original images (B, 3, S, S) in [−1, 1]
     * @param x0hat the base model's estimate of x₀ at x_t (B, 3, S, S)
     * @param t     the timesteps (B), long
     */
    public Map<String, Tensor> forward(Tensor x0, Tensor x0hat, Tensor t) {
        Tensor h = torch.silu(stemNorm.forward(stem.forward(torch.cat(
                new org.bytedeco.pytorch.TensorVector(x0, x0hat), 1))));
        for (int i = 0; i < stages.size(); i++) {
            h = stages.get(i).forward(h);
        }
        Tensor temb = time2.forward(torch.silu(time1.forward(
                TimestepEmbedding.sinusoidal(t, config.timeDim(), true, 0))));
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (int i = 0; i < subnets.size(); i++) {
            out.put(config.layers().get(i).name(), subnets.get(i).forward(h, temb));
        }
        return out;
    }

    /** conv(stride 2)–norm–SiLU–conv–norm plus a strided 1×1 shortcut, then SiLU: halves the resolution. */
    static final class EncoderStage extends Module {
        private final Conv2d conv1;
        private final GroupNorm norm1;
        private final Conv2d conv2;
        private final GroupNorm norm2;
        private final Conv2d shortcut;

        EncoderStage(int in, int out) {
            this.conv1 = child("conv1", new Conv2d(in, out, 3, 2, 1));
            this.norm1 = child("norm1", new GroupNorm(groups(out), out, 1e-5));
            this.conv2 = child("conv2", new Conv2d(out, out, 3, 1, 1));
            this.norm2 = child("norm2", new GroupNorm(groups(out), out, 1e-5));
            this.shortcut = child("shortcut", new Conv2d(in, out, 1, 2, 0));
        }

        Tensor forward(Tensor x) {
            Tensor h = torch.silu(norm1.forward(conv1.forward(x)));
            h = norm2.forward(conv2.forward(h));
            return torch.silu(h.add(shortcut.forward(x)));
        }
    }

    /** One layer's branch: strided convolutions down to 1×1, the time embedding added, the two slim heads. */
    static final class Subnet extends Module {
        private final ModuleList<Conv2d> downs = new ModuleList<>();
        private final Linear timeProj;
        private final Linear headA;
        final Linear headB;
        private final RectifierConfig.Layer layer;

        Subnet(int in, int side, int width, int timeDim, RectifierConfig.Layer layer) {
            this.layer = layer;
            child("downs", downs);
            int c = in;
            for (int s = side; s > 1; s = (s + 1) / 2) {
                downs.add(new Conv2d(c, width, 3, 2, 1));
                c = width;
            }
            if (downs.size() == 0) {
                downs.add(new Conv2d(c, width, 1, 1, 0));
            }
            this.timeProj = child("time_proj", new Linear(timeDim, width));
            int k2 = layer.kernel() * layer.kernel();
            this.headA = child("head_a", new Linear(width, (long) layer.in() * k2));
            this.headB = child("head_b", new Linear(width, (long) layer.out() * k2));
        }

        Tensor forward(Tensor features, Tensor temb) {
            Tensor h = features;
            for (int i = 0; i < downs.size(); i++) {
                h = torch.silu(downs.get(i).forward(h));
            }
            h = h.flatten(1, -1).add(timeProj.forward(torch.silu(temb))); // (B, width)
            h = torch.silu(h);
            long b = h.size(0);
            int k = layer.kernel();
            Tensor a = headA.forward(h).reshape(b, 1, layer.in(), k, k);
            Tensor bb = headB.forward(h).reshape(b, layer.out(), 1, k, k);
            return a.mul(bb); // (B, C_out, C_in, k, k)
        }
    }
}
