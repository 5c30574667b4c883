package dev.retouch.edit.fewshot;

import dev.retouch.core.nn.Init;
import dev.retouch.core.nn.Module;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.dit.DiT;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * The whole few-shot effect network of paper 000 (Fig. 3), all trained jointly: M_x ({@code flow_net},
 * {@link FlowNet}), M_e ({@code flow_embed}, {@link FlowEmbedding}), the autoencoder ({@code autoencoder},
 * {@link SkipAutoencoder}) and M_y ({@code denoiser}, a {@link DiT}). With s = n − 1 sources (1 for n = 1), one
 * target j is predicted as
 * <pre>
 *   [F, C]_k = M_x(x_{i_k}, x_j)                                   k = 1 … s            (§3.2, Eq. 1–3)
 *   context  = [M_e([F, C]_1) + e_1, …, M_e([F, C]_s) + e_s]       tokens, e_k a learned source embedding (s &gt; 1)
 *   ẑ_j      = M_y([y_{i_1}(t), …, y_{i_s}(t), E(x_j)], t, context)   x₀-prediction of E(y_j)
 *   ŷ_j      = D(ẑ_j, skips of E(x_j))
 * </pre>
 * where y_i(t) is the latent E(y_i) noised to level t. The network never sees a schedule; {@link #schedule()} is
 * carried for the training task and the sampler.
 */
public final class FewshotModel extends Module {
    private final FewshotConfig config;
    private final NoiseSchedule schedule;
    private final FlowNet flowNet;
    private final FlowEmbedding flowEmbed;
    private final SkipAutoencoder autoencoder;
    private final DiT denoiser;
    private final Tensor sourceEmbed; // (s, width) or null for one source

    /** What every prediction for one batch of targets shares: M_y's context, E(x_j) and the skips of x_j. */
    public record Condition(Tensor context, Tensor xjLatent, List<Tensor> skips, List<FlowField> fields) {
    }

    public FewshotModel(FewshotConfig config) {
        this.config = config;
        this.schedule = new NoiseSchedule(config.noise());
        this.flowNet = child("flow_net", new FlowNet(config.flowChannels()));
        this.flowEmbed = child("flow_embed", new FlowEmbedding(config.imageSize(), config.embedGrid(), config.embedWidth()));
        this.autoencoder = child("autoencoder", new SkipAutoencoder(config.autoencoder()));
        this.denoiser = child("denoiser", new DiT(config.ditConfig()));
        this.sourceEmbed = config.sources() > 1
                ? parameter("source_embed", torch.zeros(config.sources(), config.embedWidth())) : null;
    }

    @Override
    protected void resetParameters(Generator gen) {
        if (sourceEmbed != null) {
            Init.normal(sourceEmbed, 0.02, gen);
        }
    }

    /** A freshly initialised model. */
    public static FewshotModel create(FewshotConfig config, long seed) {
        FewshotModel m = new FewshotModel(config);
        m.initialize(Tensors.generator(seed));
        return m;
    }

    public FewshotConfig config() {
        return config;
    }

    public NoiseSchedule schedule() {
        return schedule;
    }

    /** M_x alone: [F, C] turning x_i into x_j. */
    public FlowField transformation(Tensor xi, Tensor xj) {
        return flowNet.forward(xi, xj);
    }

    /**
     * The condition of targets x_j (B, 3, H, W) from s source images x_i (each (B, 3, H, W)), with
     * {@code xjEncoded} the encoding of x_j (computed by the caller, who may batch it with other encodings).
     */
    Condition condition(List<Tensor> sources, Tensor xj, SkipAutoencoder.Encoded xjEncoded) {
        int s = sources.size();
        long b = xj.size(0);
        FlowField all = flowNet.forward(Tensors.cat(0, sources.toArray(new Tensor[0])), xj.repeat(s, 1, 1, 1));
        Tensor tokens = flowEmbed.forward(all.features());           // (s·B, grid², width)
        List<FlowField> fields = new ArrayList<>();
        List<Tensor> perSource = new ArrayList<>();
        for (int k = 0; k < s; k++) {
            fields.add(new FlowField(all.flow().narrow(0, k * b, b), all.colour().narrow(0, k * b, b)));
            Tensor tk = tokens.narrow(0, k * b, b);
            perSource.add(sourceEmbed == null ? tk : tk.add(sourceEmbed.select(0, k)));
        }
        return new Condition(Tensors.cat(1, perSource.toArray(new Tensor[0])), xjEncoded.latent(), xjEncoded.skips(),
                fields);
    }

    /** The condition of targets x_j from sources x_i, encoding x_j here. */
    public Condition condition(List<Tensor> sources, Tensor xj) {
        return condition(sources, xj, autoencoder.encode(xj));
    }

    /** E: image → unit-RMS latent (the skips are dropped). */
    public Tensor encode(Tensor image) {
        return autoencoder.encode(image).latent();
    }

    SkipAutoencoder autoencoder() {
        return autoencoder;
    }

    /**
     * M_y's x₀-prediction of E(y_j): noisy (B, s·c, h, w) the noised source latents [y_{i_1}(t), …], t (B) → (B, c, h, w).
     */
    public Tensor predict(Tensor noisySources, Tensor t, Condition condition) {
        return denoiser.forward(Tensors.cat(1, noisySources, condition.xjLatent()), t, condition.context());
    }

    /** D: latent of y_j → image, with the skips of x_j; {@code gen} draws the injected noise (null: none). */
    public Tensor decode(Tensor latent, Condition condition, Generator gen) {
        return autoencoder.decode(latent, condition.skips(), gen);
    }

    /** Multiply-accumulates of the modules for one sample (M_x, M_e, one E, one D, one M_y call). */
    public Macs macs() {
        long side = config.imageSize();
        long[] ae = autoencoder.macs(side, side);
        long tokens = (long) config.sources() * config.embedGrid() * config.embedGrid();
        return new Macs(flowNet.macs(side, side), flowEmbed.macs(), ae[0], ae[1], denoiser.macs(tokens));
    }

    /** Multiply-accumulates per sample of each module. */
    public record Macs(long flowNet, long flowEmbed, long encoder, long decoder, long denoiser) {
        /** One training sample: s × (M_x + M_e), (s + 2) encodes, 2 decodes, one M_y call. */
        public long trainingSample(int sources) {
            return sources * (flowNet + flowEmbed) + (sources + 2L) * encoder + 2 * decoder + denoiser;
        }

        /** One edit with {@code steps} M_y calls per chain and {@code ensemble} chains. */
        public long edit(int sources, int steps, int ensemble) {
            return ensemble * (sources * (flowNet + flowEmbed + encoder) + encoder + (long) steps * denoiser + decoder);
        }
    }
}
