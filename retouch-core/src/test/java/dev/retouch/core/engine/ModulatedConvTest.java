package dev.retouch.core.engine;

import dev.retouch.core.nn.Conv2d;
import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Conv2d#modulated}: each sample's kernel is θ·(1 + Δ_b), checked against {@link ConvReference} (im2col +
 * matmul in float64) run per sample with that kernel, at the UNet's channel counts too; Δ = 0 is the plain
 * convolution; gradients reach Δ; the modulation ends with the call.
 */
class ModulatedConvTest {
    private static double maxAbs(Tensor t) {
        return torch.max(t.abs()).item_double();
    }

    private static void check(long b, long in, long out, long k, long stride, long pad, long hw, long seed) {
        try (PointerScope ignored = new PointerScope()) {
            Generator g = Tensors.generator(seed);
            Conv2d conv = new Conv2d(in, out, k, stride, pad);
            conv.initialize(g);
            Tensor x = Tensors.randn(g, b, in, hw, hw);
            Tensor delta = Tensors.randn(g, b, out, in, k, k).mul(new Scalar(0.3));
            Tensor y = Conv2d.modulated(Map.of(conv, delta), () -> conv.forward(x));
            List<Tensor> ref = new ArrayList<>();
            for (long s = 0; s < b; s++) {
                Tensor w = conv.weight().mul(delta.get(s).add(new Scalar(1.0))).to(torch.ScalarType.Double);
                ref.add(ConvReference.conv2d(x.narrow(0, s, 1).to(torch.ScalarType.Double), w,
                        conv.namedParameters().get("bias").to(torch.ScalarType.Double), stride, pad, 1));
            }
            Tensor r = torch.cat(new org.bytedeco.pytorch.TensorVector(ref.toArray(new Tensor[0])), 0);
            double err = maxAbs(y.to(torch.ScalarType.Double).sub(r)) / Math.max(1, maxAbs(r));
            assertTrue(err < 1e-4, "b " + b + ", " + in + "→" + out + " k" + k + ": relative error " + err);
        }
    }

    @Test
    void eachSampleGetsItsOwnKernelAsTheReferenceComputesIt() {
        check(3, 8, 12, 3, 1, 1, 9, 1);
        check(4, 64, 32, 3, 1, 1, 8, 2);   // an up block's conv1 of emoji-ddpm-32
        check(2, 96, 64, 1, 1, 0, 16, 3);  // a 1×1 shortcut
        check(5, 3, 7, 3, 2, 1, 11, 4);    // stride 2, odd counts
    }

    @Test
    void zeroOffsetIsThePlainConvolutionAndTheModulationEndsWithTheCall() {
        try (PointerScope ignored = new PointerScope()) {
            Generator g = Tensors.generator(5);
            Conv2d conv = new Conv2d(16, 16, 3, 1, 1);
            conv.initialize(g);
            Tensor x = Tensors.randn(g, 2, 16, 8, 8);
            Tensor plain = conv.forward(x);
            Tensor zero = Conv2d.modulated(Map.of(conv, torch.zeros(2, 16, 16, 3, 3)), () -> conv.forward(x));
            assertTrue(maxAbs(plain.sub(zero)) < 1e-5, "Δ = 0 differs by " + maxAbs(plain.sub(zero)));
            Tensor after = conv.forward(x);
            assertEquals(0.0, maxAbs(plain.sub(after)));
            assertThrows(IllegalArgumentException.class, () -> Conv2d.modulated(
                    Map.of(conv, torch.zeros(3, 16, 16, 3, 3)), () -> conv.forward(x)));
        }
    }

    @Test
    void gradientsReachTheOffsetsAndTheWeight() {
        try (PointerScope ignored = new PointerScope()) {
            Generator g = Tensors.generator(6);
            Conv2d conv = new Conv2d(4, 5, 3, 1, 1);
            conv.initialize(g);
            Tensor x = Tensors.randn(g, 2, 4, 6, 6);
            Tensor delta = torch.zeros(2, 5, 4, 3, 3).requires_grad_(true);
            Tensor loss = Conv2d.modulated(Map.of(conv, delta), () -> conv.forward(x)).pow(new Scalar(2)).sum();
            loss.backward();
            assertTrue(maxAbs(delta.grad()) > 0, "no gradient reached Δ");
            // at Δ = 0, dL/dΔ_b = θ ⊙ dL/dθ_b: the second sample's share differs from the first's
            assertTrue(maxAbs(delta.grad().get(0).sub(delta.grad().get(1))) > 0);
        }
    }
}
