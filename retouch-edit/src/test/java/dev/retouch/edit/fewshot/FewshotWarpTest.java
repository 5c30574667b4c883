package dev.retouch.edit.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Eq. (1)–(3): the warp's conventions, checked pixel by pixel. */
class FewshotWarpTest {
    private static Tensor image(long seed, int h, int w) {
        return Tensors.rand(Tensors.generator(seed), 2, 3, h, w).mul(Tensors.s(2)).sub(Tensors.s(1));
    }

    private static Tensor identityColour(int b, int h, int w) {
        return Tensors.cat(1, torch.ones(b, 1, h, w), torch.zeros(b, 1, h, w));
    }

    @Test
    void zeroFlowAndIdentityColourIsTheIdentity() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor x = image(1, 8, 12);
            Tensor y = Warp.apply(x, torch.zeros(2, 2, 8, 12), identityColour(2, 8, 12));
            assertArrayEquals(Tensors.toFloats(x), Tensors.toFloats(y), 1e-6f);
        }
    }

    @Test
    void anIntegerShiftReadsThePixelThatFarAwayAndClampsAtTheBorder() {
        try (PointerScope ignored = new PointerScope()) {
            int h = 6;
            int w = 8;
            Tensor x = image(2, h, w);
            Tensor y = Warp.spatial(x, Warp.pixelShift(h, w, 2, -1).repeat(2, 1, 1, 1)); // read (x + 2, y − 1)
            float[] in = Tensors.toFloats(x);
            float[] out = Tensors.toFloats(y);
            for (int b = 0; b < 2; b++) {
                for (int c = 0; c < 3; c++) {
                    for (int r = 0; r < h; r++) {
                        for (int col = 0; col < w; col++) {
                            int sr = Math.max(0, r - 1);
                            int sc = Math.min(w - 1, col + 2);
                            float expected = in[((b * 3 + c) * h + sr) * w + sc];
                            assertEquals(expected, out[((b * 3 + c) * h + r) * w + col], 1e-5f,
                                    "pixel (" + r + ", " + col + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void colourAffineScalesAndShiftsEveryChannel() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor x = image(3, 4, 4);
            Tensor c = Tensors.cat(1, torch.full(new long[]{2, 1, 4, 4}, Tensors.s(0.5)),
                    torch.full(new long[]{2, 1, 4, 4}, Tensors.s(-0.25)));
            Tensor y = Warp.apply(x, torch.zeros(2, 2, 4, 4), c);
            float[] in = Tensors.toFloats(x);
            float[] out = Tensors.toFloats(y);
            for (int i = 0; i < in.length; i++) {
                assertEquals(0.5f * in[i] - 0.25f, out[i], 1e-6f);
            }
        }
    }

    @Test
    void aHalfPixelShiftAveragesNeighbours() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor x = Tensors.of(new float[]{0, 1, 2, 3}, 1, 1, 1, 4);
            Tensor y = Warp.spatial(x, Warp.pixelShift(1, 4, 0.5, 0));
            assertArrayEquals(new float[]{0.5f, 1.5f, 2.5f, 3f}, Tensors.toFloats(y), 1e-6f);
        }
    }
}
