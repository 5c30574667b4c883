package dev.retouch.diffusion.pipeline;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import org.bytedeco.pytorch.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The two branches of classifier-free guidance for a batch of B prompts: the text encoder's states of each prompt
 * and of the negative prompt (the unconditional branch; the empty negative prompt is plain unconditional guidance).
 *
 * @param prompt   (B, M, D) states of the prompts
 * @param negative (B, M, D) states of the negative prompt, one row per prompt
 */
public record PromptStates(Tensor prompt, Tensor negative) {
    public PromptStates {
        if (prompt.dim() != 3 || !java.util.Arrays.equals(Tensors.shape(prompt), Tensors.shape(negative))) {
            throw new IllegalArgumentException("prompt and negative states must both be (B, M, D), found "
                    + Tensors.shapeString(prompt) + " and " + Tensors.shapeString(negative));
        }
    }

    /**
     * Encodes {@code prompts} and the {@code negative} prompt ("" = unconditional) with the model's text encoder.
     * Prompts longer than the context are truncated and reported to {@code warnings}, never refused.
     */
    public static PromptStates encode(LatentDiffusion ld, List<String> prompts, String negative,
                                      Consumer<String> warnings) {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("at least one prompt is needed (the empty prompt is allowed)");
        }
        List<String> all = new ArrayList<>(prompts);
        all.add(negative);
        Tensor states = ld.textStates(all, warnings); // (B + 1, M, D)
        long b = prompts.size();
        Tensor neg = states.narrow(0, b, 1);
        return new PromptStates(states.narrow(0, 0, b), neg.expand(b, -1, -1).contiguous());
    }

    /** The batch size B. */
    public long batch() {
        return prompt.size(0);
    }

    /** Each row repeated {@code count} times in place ([a, b] → [a, a, b, b]): {@code count} images per prompt. */
    public PromptStates repeat(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        if (count == 1) {
            return this;
        }
        return new PromptStates(interleave(prompt, count), interleave(negative, count));
    }

    /** These states for a batch of {@code b} samples: as they are when B = b, one prompt broadcast when B = 1. */
    public PromptStates forBatch(long b) {
        if (batch() == b) {
            return this;
        }
        if (batch() != 1) {
            throw new IllegalArgumentException(batch() + " prompts for a batch of " + b + " images; give one prompt "
                    + "per image or a single prompt for all");
        }
        return new PromptStates(prompt.expand(b, -1, -1).contiguous(), negative.expand(b, -1, -1).contiguous());
    }

    private static Tensor interleave(Tensor t, int count) {
        long[] s = Tensors.shape(t);
        return t.unsqueeze(1).expand(s[0], count, s[1], s[2]).reshape(s[0] * count, s[1], s[2]);
    }

    /** The classifier-free-guided denoiser of {@code ld}'s UNet on these states: ε_neg + g·(ε_prompt − ε_neg). */
    public GuidedDenoiser denoiser(LatentDiffusion ld, double guidance) {
        return GuidedDenoiser.classifierFree(ld.unet(), negative, prompt, guidance);
    }
}
