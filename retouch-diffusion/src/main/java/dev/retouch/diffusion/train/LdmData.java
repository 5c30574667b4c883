package dev.retouch.diffusion.train;

import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.clip.Clip;
import dev.retouch.diffusion.vae.AutoencoderKL;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * The training set of a latent diffusion model, computed once before training: the autoencoder's scaled latents of
 * the images, the text encoder's last hidden states of their captions, and the states of the empty prompt (what a
 * dropped caption is replaced with).
 *
 * @param latents    (N, C, h, w) scaled latents ({@link AutoencoderKL#encodeLatents}: the posterior mode)
 * @param states     (N, M, D) caption states, row i for image i
 * @param emptyState (1, M, D) the empty prompt's states
 */
public record LdmData(Tensor latents, Tensor states, Tensor emptyState) {
    public LdmData {
        if (latents.dim() != 4 || states.dim() != 3 || latents.size(0) != states.size(0) || emptyState.dim() != 3
                || emptyState.size(0) != 1 || emptyState.size(1) != states.size(1)
                || emptyState.size(2) != states.size(2)) {
            throw new IllegalArgumentException("need latents (N, C, h, w), states (N, M, D) and an empty state "
                    + "(1, M, D), found " + Tensors.shapeString(latents) + ", " + Tensors.shapeString(states) + ", "
                    + Tensors.shapeString(emptyState));
        }
        latents = Tensors.keep(latents);
        states = Tensors.keep(states);
        emptyState = Tensors.keep(emptyState);
    }

    /** N, the number of (latent, caption) pairs. */
    public long size() {
        return latents.size(0);
    }

    /**
     * Encodes {@code images} (N, 3, H, W) in [−1, 1] and their {@code captions} in batches of {@code batch},
     * reporting each batch to {@code progress} (images first, then captions). Models are used as they are (eval).
     */
    public static LdmData precompute(AutoencoderKL vae, Clip clip, Tensor images, List<String> captions, int batch,
                                     StepListener progress) {
        int n = (int) images.size(0);
        if (captions.size() != n) {
            throw new IllegalArgumentException(n + " images but " + captions.size() + " captions");
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        int batches = (n + batch - 1) / batch;
        long total = progressSteps(n, batch);
        Tensor latents = inBatches(n, batch, 0, total, progress, (from, len) -> vae.encodeLatents(images.narrow(0, from, len)));
        Tensor states = inBatches(n, batch, batches, total, progress,
                (from, len) -> clip.hiddenStates(clip.tokenize(captions.subList(from, from + len)).ids()));
        Tensor empty = inBatches(1, 1, 2L * batches, total, progress,
                (from, len) -> clip.hiddenStates(clip.tokenize(List.of("")).ids()));
        return new LdmData(latents, states, empty);
    }

    /** The text encoder's states (N, M, D) of {@code captions}, encoded in batches of {@code batch}, one report each. */
    public static Tensor captionStates(Clip clip, List<String> captions, int batch, StepListener progress) {
        if (batch < 1 || captions.isEmpty()) {
            throw new IllegalArgumentException("need captions and a batch >= 1, got " + captions.size() + ", " + batch);
        }
        int batches = (captions.size() + batch - 1) / batch;
        return inBatches(captions.size(), batch, 0, batches, progress,
                (from, len) -> clip.hiddenStates(clip.tokenize(captions.subList(from, from + len)).ids()));
    }

    /** The number of progress reports {@link #precompute} makes for n pairs: two per batch, one for the empty prompt. */
    public static long progressSteps(int n, int batch) {
        return 2L * ((n + batch - 1) / batch) + 1;
    }

    private interface BatchFn {
        Tensor apply(int from, int len);
    }

    /** Runs {@code fn} over [0, n) in batches, each in its own scope, and concatenates the results (copied out). */
    private static Tensor inBatches(int n, int batch, long done, long total, StepListener progress, BatchFn fn) {
        float[] all = null;
        long[] shape = null;
        int per = 0;
        try (NoGradGuard ignored = new NoGradGuard()) {
            for (int from = 0, k = 0; from < n; from += batch, k++) {
                int len = Math.min(batch, n - from);
                try (PointerScope ignored2 = new PointerScope()) {
                    Tensor out = fn.apply(from, len);
                    if (all == null) {
                        shape = Tensors.shape(out);
                        per = (int) (out.numel() / len);
                        all = new float[Math.multiplyExact(per, n)];
                    }
                    System.arraycopy(Tensors.toFloats(out), 0, all, from * per, len * per);
                }
                progress.onStep(done + k + 1, total, Double.NaN);
            }
        }
        shape = Arrays.copyOf(shape, shape.length);
        shape[0] = n;
        return Tensors.of(all, shape);
    }
}
