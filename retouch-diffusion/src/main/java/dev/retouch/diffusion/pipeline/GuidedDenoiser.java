package dev.retouch.diffusion.pipeline;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * A text-conditional UNet seen by the loop through {@link Guidance}: the branches the guidance needs are evaluated
 * in ONE UNet pass over a batch of n·B (the sample repeated once per branch, each branch with its own context), then
 * combined. Holds the contexts it was given; the caller keeps them alive for the run.
 */
public final class GuidedDenoiser implements Denoiser {
    private final UNet2DConditionModel unet;
    private final Guidance guidance;
    private final int[] needed;
    private final Tensor context; // (n·B, M, D): the needed branches' contexts, branch-major

    /**
     * @param contexts the K + 1 contexts of the guidance's branches, each (B, M, D): the unconditional one first,
     *                 then c_1, then c_1 … c_2, …
     */
    public GuidedDenoiser(UNet2DConditionModel unet, Guidance guidance, List<Tensor> contexts) {
        if (contexts.size() != guidance.conditions() + 1) {
            throw new IllegalArgumentException("guidance over " + guidance.conditions() + " condition(s) needs "
                    + (guidance.conditions() + 1) + " contexts, got " + contexts.size());
        }
        long[] shape = Tensors.shape(contexts.get(0));
        for (Tensor c : contexts) {
            if (!java.util.Arrays.equals(shape, Tensors.shape(c))) {
                throw new IllegalArgumentException("every branch's context must have the same shape, found "
                        + java.util.Arrays.toString(shape) + " and " + Tensors.shapeString(c));
            }
        }
        this.unet = unet;
        this.guidance = guidance;
        this.needed = guidance.needed();
        List<Tensor> used = new ArrayList<>();
        for (int j : needed) {
            used.add(contexts.get(j));
        }
        // a per-run object: the context belongs to the scope the run is in (no extra reference, nothing to release)
        this.context = needed.length == 1 ? used.get(0) : Tensors.cat(0, used.toArray(Tensor[]::new));
    }

    /** Classifier-free guidance: ε_u + g·(ε_c − ε_u), with {@code unconditional} and {@code conditional} (B, M, D). */
    public static GuidedDenoiser classifierFree(UNet2DConditionModel unet, Tensor unconditional, Tensor conditional,
                                                double scale) {
        return new GuidedDenoiser(unet, Guidance.classifierFree(scale), List.of(unconditional, conditional));
    }

    public Guidance guidance() {
        return guidance;
    }

    /** How many UNet branches one prediction costs. */
    public int branches() {
        return needed.length;
    }

    @Override
    public Tensor predict(Tensor x, int t) {
        int n = needed.length;
        long b = x.size(0);
        if (context.size(0) != n * b) {
            throw new IllegalArgumentException("the sample batch is " + b + " but the contexts are for "
                    + context.size(0) / n);
        }
        Tensor xs = n == 1 ? x : x.repeat(n, 1, 1, 1); // (n·B, C, h, w), branch-major like the context
        Tensor out = unet.forward(xs, PixelPipelines.timestepTensor(t, n * b), context);
        List<Tensor> parts = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            parts.add(out.narrow(0, k * b, b));
        }
        return guidance.combineNeeded(parts);
    }
}
