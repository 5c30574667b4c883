package dev.retouch.edit.portrait;

import dev.retouch.core.image.ImageTensors;
import dev.retouch.core.image.Mask;
import dev.retouch.core.image.Resize;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.pipeline.DenoiseLoop;
import dev.retouch.diffusion.pipeline.Denoiser;
import dev.retouch.diffusion.pipeline.DiffEditMask;
import dev.retouch.diffusion.pipeline.LoopHooks;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.schedule.Scheduler;
import dev.retouch.diffusion.schedule.UniPCMultistepScheduler;
import dev.retouch.edit.Editor;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.List;

/**
 * Paper 003's inference (§3.4 and supplementary §1.3): from noise, UniPC over {@code steps} steps, each prediction
 * the three-scale guidance of {@link PortraitEditRequest.Scales} under the target prompt p_b; with a mask, the
 * prediction is blended with the same guidance under the source prompt p_a outside the mask (Eq. 3):
 * ε̂ = ε̃(p_b) ⊙ M + ε̃(p_a) ⊙ (1 − M); or, with {@link MaskSettings.Blend#LATENT}, the sample outside the mask is
 * replaced by the noised source after every step. All branches of a step run in one UNet pass (4, or 5 for Eq. 3).
 */
public final class PortraitEditor implements Editor<PortraitEditRequest, PortraitEditResult> {
    private final PortraitModel model;

    public PortraitEditor(PortraitModel model) {
        this.model = model;
    }

    @Override
    public String method() {
        return "portrait";
    }

    public PortraitModel model() {
        return model;
    }

    /** The conditions of one edit: spatial latent, image tokens, target and source text, and their nulls. */
    record Conditions(Tensor latent, Tensor spatial, Tensor image, Tensor target, Tensor source, Tensor empty) {
    }

    Conditions conditions(Tensor input, String target) {
        LatentDiffusion base = model.base();
        PortraitModel.Conditions c = PortraitModel.conditions(base, input);
        PortraitConfig.Variant v = model.config().variant();
        Tensor spatial = v.spatial() ? c.spatial() : PortraitModel.none(c.spatial());
        Tensor image = model.mcdm().adapter().forward(c.spatial(), c.clipTokens());
        if (!v.imageEmbeddings()) {
            image = PortraitModel.none(image);
        }
        Tensor texts = model.text(List.of(target, model.config().sourcePrompt(), ""));
        return new Conditions(c.spatial(), spatial, image, texts.narrow(0, 0, 1), texts.narrow(0, 1, 1), texts.narrow(0, 2, 1));
    }

    /**
     * The conditions of the n UNet branches for a batch of b samples, concatenated on the batch: (∅,∅,∅), (I,∅,∅),
     * (I,S,∅), (I,S,p_b)[, (I,S,p_a) when {@code withSource}]. Constant over a run: built once, not per step.
     */
    record Branches(int n, long b, Tensor spatial, Tensor image, Tensor text) {
    }

    static Branches branches(Conditions c, long b, boolean withSource) {
        int n = withSource ? 5 : 4;
        Tensor zeroS = PortraitModel.none(c.spatial());
        Tensor zeroI = PortraitModel.none(c.image());
        return new Branches(n, b, branches(n, b, zeroS, zeroS, c.spatial(), c.spatial(), c.spatial()),
                branches(n, b, zeroI, c.image(), c.image(), c.image(), c.image()),
                branches(n, b, c.empty(), c.empty(), c.empty(), c.target(), c.source()));
    }

    /**
     * The guided prediction at (z, t): (B, C, h, w) for the target prompt, and — when {@code withSource} — the same
     * for the source prompt, as {target, source}.
     */
    Tensor[] guided(Conditions c, PortraitEditRequest.Scales s, Tensor z, int t, boolean withSource) {
        return guided(branches(c, z.size(0), withSource), s, z, t);
    }

    /** {@link #guided(Conditions, PortraitEditRequest.Scales, Tensor, int, boolean)} with the branches built. */
    Tensor[] guided(Branches br, PortraitEditRequest.Scales s, Tensor z, int t) {
        long b = br.b();
        int n = br.n();
        Tensor out = model.mcdm().forward(z.repeat(n, 1, 1, 1), PixelPipelines.timestepTensor(t, n * b), br.spatial(),
                br.text(), br.image());
        Tensor e0 = out.narrow(0, 0, b);
        Tensor e1 = out.narrow(0, b, b);
        Tensor e2 = out.narrow(0, 2 * b, b);
        Tensor common = e0.add(e1.sub(e0).mul(Tensors.s(s.image()))).add(e2.sub(e1).mul(Tensors.s(s.spatial())));
        Tensor target = common.add(out.narrow(0, 3 * b, b).sub(e2).mul(Tensors.s(s.text())));
        if (n == 4) {
            return new Tensor[]{target};
        }
        return new Tensor[]{target, common.add(out.narrow(0, 4 * b, b).sub(e2).mul(Tensors.s(s.text())))};
    }

    /** The first n of the per-branch tensors (1, …), each repeated to b rows, concatenated on the batch. */
    private static Tensor branches(int n, long b, Tensor... perBranch) {
        Tensor[] parts = new Tensor[n];
        for (int i = 0; i < n; i++) {
            parts[i] = rep(perBranch[i], b);
        }
        return Tensors.cat(0, parts);
    }

    /** {@code x} (1, …) repeated to b rows. */
    private static Tensor rep(Tensor x, long b) {
        long[] r = new long[(int) x.dim()];
        java.util.Arrays.fill(r, 1);
        r[0] = b;
        return x.repeat(r);
    }

    /**
     * The editing mask (1, 1, h, w) at the latent's size (see {@link MaskSettings}): values in [0, 1], binary for
     * {@link MaskSettings.Mode#PAPER}.
     */
    Tensor mask(Conditions c, Tensor z0, PortraitEditRequest r, Scheduler scheduler, Generator gen) {
        MaskSettings m = r.mask();
        int[] ts = scheduler.timesteps();
        int t = ts[Math.min(ts.length - 1, (int) Math.floor(ts.length * (1 - m.strength())))];
        Tensor noise = Tensors.randn(gen, z0, m.seeds(), z0.size(1), z0.size(2), z0.size(3));
        Tensor zt = model.base().schedule().addNoise(z0.expand(m.seeds(), -1, -1, -1), noise, t);
        Tensor[] e = guided(c, r.scales(), zt, t, true);
        Tensor map = e[0].sub(e[1]).abs().mean(new long[]{0, 1}, true, new org.bytedeco.pytorch.ScalarTypeOptional());
        if (m.mode() == MaskSettings.Mode.CODE) {
            double cap = Math.max(3 * map.mean().item_double(), 1e-12);
            return map.clamp_max(Tensors.s(cap)).div(Tensors.s(cap));
        }
        Tensor soft = DiffEditMask.blur(DiffEditMask.rescale(map), 1.1); // kernel 5: σ = 0.3·((5−1)/2 − 1) + 0.8
        return soft.ge(Tensors.s(m.threshold())).to(torch.ScalarType.Float);
    }

    @Override
    public PortraitEditResult edit(PortraitEditRequest r, StepListener listener) {
        model.config().targets().stream().filter(r.target()::equals).findAny().orElseThrow(() ->
                new dev.retouch.core.InvalidRequestException("this portrait model has no target '" + r.target()
                        + "': expected one of " + String.join(", ", model.config().targets())));
        long start = System.nanoTime();
        LatentDiffusion base = model.base();
        RgbImage input = Resize.square(r.image(), base.imageSize());
        Generator gen = Tensors.generator(r.seed()); // owned here (kept), released below
        try (PointerScope ignored = new PointerScope(); NoGradGuard noGrad = new NoGradGuard()) {
            Tensor x = ImageTensors.toTensor(input);
            Conditions c = conditions(x, r.target());
            Scheduler scheduler = UniPCMultistepScheduler.of(base.schedule(), r.steps());
            boolean masked = r.mask().mode() != MaskSettings.Mode.OFF;
            // the starting noise first: every mask setting of one seed starts from the same noise
            Tensor zT = Tensors.randn(gen, c.latent(), 1, base.model().latentChannels(), base.model().latentSize(),
                    base.model().latentSize()); // drawn on the CPU, placed like the latents: one seed, one noise
            Tensor m = masked ? mask(c, c.latent(), r, scheduler, gen) : null;
            boolean latentBlend = masked && r.mask().blend() == MaskSettings.Blend.LATENT;
            Branches br = branches(c, 1, masked && !latentBlend);
            Tensor outsideMask = m == null ? null : m.neg().add(Tensors.s(1));
            Denoiser d = masked && !latentBlend
                    ? (z, t) -> {
                        Tensor[] e = guided(br, r.scales(), z, t);
                        return e[0].mul(m).add(e[1].mul(outsideMask));
                    }
                    : (z, t) -> guided(br, r.scales(), z, t)[0];
            LoopHooks hooks = LoopHooks.progress(listener);
            if (latentBlend) {
                Tensor sourceNoise = Tensors.randnLike(gen, c.latent());
                hooks = new LoopHooks(null, (z, tNext) -> z.mul(m).add((tNext < 0 ? c.latent()
                        : base.schedule().addNoise(c.latent(), sourceNoise, tNext)).mul(outsideMask)), listener);
            }
            Tensor z0 = DenoiseLoop.run(d, scheduler, zT, gen, hooks);
            RgbImage out = ImageTensors.fromTensor(base.decode(z0));
            Mask full = m == null ? null : ImageTensors.maskFromTensor(torch.upsample_nearest2d(m.cpu(),
                    new long[]{input.height(), input.width()}));
            return new PortraitEditResult(out, input, full, (System.nanoTime() - start) / 1e9);
        } finally {
            Tensors.release(gen);
        }
    }
}
