package dev.retouch.diffusion.clip;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The text transformer's pooled output is the final state at each prompt's first end token (int64 indexing). */
class ClipTextPooledTest {
    @Test
    void pooledIsTheStateAtTheFirstEndToken() {
        torch.set_num_threads(1);
        Clip clip = TinyLatentDiffusion.clip(3);
        Tensor ids = clip.tokenize(List.of("red heart", "cat")).ids(); // (2, 8)
        long[] flat = Tensors.toLongs(ids);
        int end = clip.tokenizer().endId();
        try (NoGradGuard ignored = new NoGradGuard()) {
            ClipTextTransformer.Output out = clip.model().textModel().forward(ids);
            assertArrayEquals(new long[]{2, 8, 16}, Tensors.shape(out.lastHiddenState()));
            assertArrayEquals(new long[]{2, 16}, Tensors.shape(out.pooled()));
            for (int b = 0; b < 2; b++) {
                int at = -1;
                for (int j = 0; j < 8 && at < 0; j++) {
                    at = flat[b * 8 + j] == end ? j : -1;
                }
                float[] want = Tensors.toFloats(out.lastHiddenState().select(0, b).select(0, at));
                float[] got = Tensors.toFloats(out.pooled().select(0, b));
                assertEquals(Arrays.toString(want), Arrays.toString(got), "prompt " + b + ", end token at " + at);
            }
        }
    }
}
