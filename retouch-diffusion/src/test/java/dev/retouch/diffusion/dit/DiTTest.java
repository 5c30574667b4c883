package dev.retouch.diffusion.dit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

class DiTTest {
    private static final DiTConfig TINY = new DiTConfig(8, 2, 6, 3, 32, 2, 4, 16, 2, 64);

    @Test
    void patchifyAndUnpatchifyAreInverse() {
        try (PointerScope ignored = new PointerScope()) {
            Tensor x = Tensors.randn(Tensors.generator(1), 2, 3, 8, 8);
            Tensor p = PatchEmbed.patchify(x, 2);
            assertArrayEquals(new long[]{2, 16, 12}, Tensors.shape(p));
            // token 1 is the patch of rows 0-1, columns 2-3; its first entry is (row 0, col 2, channel 0)
            assertEquals(Tensors.toFloats(x.select(0, 0).select(0, 0).select(0, 0).select(0, 2))[0],
                    Tensors.toFloats(p.select(0, 0).select(0, 1).select(0, 0))[0]);
            assertArrayEquals(Tensors.toFloats(x), Tensors.toFloats(PatchEmbed.unpatchify(p, 2, 4, 4)));
        }
    }

    @Test
    void untrainedModelPredictsZeroAndShapesFollowTheConfig() {
        try (PointerScope ignored = new PointerScope()) {
            DiT dit = new DiT(TINY);
            dit.initialize(Tensors.generator(3));
            Tensor x = Tensors.randn(Tensors.generator(4), 2, 6, 8, 8);
            Tensor ctx = Tensors.randn(Tensors.generator(5), 2, 5, 16);
            Tensor out = dit.forward(x, Tensors.ofLongs(new long[]{10, 900}, 2), ctx);
            assertArrayEquals(new long[]{2, 3, 8, 8}, Tensors.shape(out));
            assertEquals(0.0, out.abs().max().item_double(), 0); // adaLN-Zero final layer
            assertTrue(dit.macs(5) > 0);
        }
    }

    @Test
    void everyPartReceivesGradientOnceTheOutputLayerMoves() {
        try (PointerScope ignored = new PointerScope()) {
            DiT dit = new DiT(TINY);
            dit.initialize(Tensors.generator(3));
            try (var ng = new org.bytedeco.pytorch.NoGradGuard()) {
                dit.namedParameters().forEach((k, p) -> {
                    if (k.startsWith("final_") || k.contains("modulation")) {
                        p.add_(Tensors.randn(Tensors.generator(k.hashCode()), Tensors.shape(p)).mul(Tensors.s(0.1)));
                    }
                });
            }
            Tensor x = Tensors.randn(Tensors.generator(4), 2, 6, 8, 8);
            Tensor ctx = Tensors.randn(Tensors.generator(5), 2, 5, 16);
            dit.forward(x, Tensors.ofLongs(new long[]{1, 2}, 2), ctx).pow(Tensors.s(2)).mean().backward();
            dit.namedParameters().forEach((k, p) -> {
                boolean noWeights = k.startsWith("patch_embed.norm_out");
                assertTrue(p.grad().defined() && (noWeights || p.grad().abs().sum().item_double() > 0),
                        "no gradient for " + k);
            });
        }
    }

    @Test
    void contextChangesTheOutput() {
        try (PointerScope ignored = new PointerScope()) {
            DiT dit = new DiT(TINY);
            dit.initialize(Tensors.generator(3));
            try (var ng = new org.bytedeco.pytorch.NoGradGuard()) {
                dit.namedParameters().forEach((k, p) -> {
                    if (k.startsWith("final_") || k.contains("modulation")) {
                        p.add_(Tensors.randn(Tensors.generator(7), Tensors.shape(p)).mul(Tensors.s(0.1)));
                    }
                });
                Tensor x = Tensors.randn(Tensors.generator(4), 1, 6, 8, 8);
                Tensor t = Tensors.ofLongs(new long[]{5}, 1);
                Tensor a = dit.forward(x, t, Tensors.randn(Tensors.generator(5), 1, 5, 16));
                Tensor b = dit.forward(x, t, Tensors.randn(Tensors.generator(6), 1, 5, 16));
                assertTrue(a.sub(b).abs().max().item_double() > 1e-4);
            }
        }
    }

    @Test
    void configIsValidated() {
        assertThrows(IllegalArgumentException.class, () -> new DiTConfig(9, 2, 4, 4, 32, 1, 4, 0, 4, 64));
        assertThrows(IllegalArgumentException.class, () -> new DiTConfig(8, 2, 4, 4, 30, 1, 4, 0, 4, 64));
    }
}
