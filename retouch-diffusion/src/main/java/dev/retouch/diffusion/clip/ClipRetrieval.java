package dev.retouch.diffusion.clip;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InferenceMode;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot image→caption retrieval: every image ranks every distinct caption of the set by cosine similarity;
 * top-k accuracy counts images whose own caption is among the k best. Identical captions are merged first, so
 * two images sharing a caption do not compete for it.
 */
public final class ClipRetrieval {
    private ClipRetrieval() {
    }

    /** Top-1 and top-5 accuracy over {@code n} images among {@code captions} distinct captions. */
    public record Result(double top1, double top5, int n, int captions) {
    }

    /**
     * @param images   (N, 3, S, S) as the model takes them
     * @param captions N captions, image i's own one at i
     * @param ids      the tokenised captions (N, context), row i for captions[i]
     */
    public static Result evaluate(ClipModel model, Tensor images, List<String> captions, Tensor ids, int batch) {
        Map<String, Integer> distinct = new LinkedHashMap<>();
        List<Long> firstRow = new ArrayList<>();
        int[] own = new int[captions.size()];
        for (int i = 0; i < captions.size(); i++) {
            final long row = i;
            own[i] = distinct.computeIfAbsent(captions.get(i), c -> {
                firstRow.add(row);
                return distinct.size();
            });
        }
        int hits1 = 0;
        int hits5 = 0;
        try (InferenceMode guard = new InferenceMode(); PointerScope scope = new PointerScope()) {
            Tensor rows = Tensors.ofLongs(firstRow.stream().mapToLong(Long::longValue).toArray(), firstRow.size());
            Tensor txt = ClipModel.normalize(features(model, ids.index_select(0, rows), batch, false)); // (K, P)
            Tensor img = ClipModel.normalize(features(model, images, batch, true));                    // (N, P)
            Tensor sim = img.matmul(txt.t()); // (N, K)
            long k = Math.min(5, sim.size(1));
            Tensor top = sim.topk(k, 1, true, true).get1(); // (N, k) caption indices, best first
            long[] flat = Tensors.toLongs(top);
            for (int i = 0; i < own.length; i++) {
                for (int j = 0; j < k; j++) {
                    if (flat[(int) (i * k + j)] == own[i]) {
                        hits1 += j == 0 ? 1 : 0;
                        hits5++;
                        break;
                    }
                }
            }
        }
        int n = own.length;
        return new Result((double) hits1 / n, (double) hits5 / n, n, distinct.size());
    }

    /** Projected features of images or token ids, in batches. */
    public static Tensor features(ClipModel model, Tensor input, int batch, boolean images) {
        List<Tensor> parts = new ArrayList<>();
        for (long i = 0; i < input.size(0); i += batch) {
            Tensor chunk = input.narrow(0, i, Math.min(batch, input.size(0) - i));
            parts.add(images ? model.imageFeatures(chunk) : model.textFeatures(chunk));
        }
        return Tensors.cat(0, parts.toArray(new Tensor[0]));
    }
}
