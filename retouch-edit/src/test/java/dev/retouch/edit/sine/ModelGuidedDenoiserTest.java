package dev.retouch.edit.sine;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.pipeline.PixelPipelines;
import dev.retouch.diffusion.unet.UNet2DConditionConfig;
import dev.retouch.diffusion.unet.UNet2DConditionModel;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Eq. 3 numerically with two different tiny UNets (pretrained, fine-tuned). */
class ModelGuidedDenoiserTest {
    static UNet2DConditionModel pre;
    static UNet2DConditionModel ft;
    static Tensor u;
    static Tensor c;
    static Tensor cHat;
    static Tensor pos;
    static Tensor x;

    @BeforeAll
    static void setUp() {
        torch.set_num_threads(1);
        pre = unet(1);
        ft = unet(2);
        u = Tensors.keep(Tensors.randn(Tensors.generator(3), 1, 5, 12));
        c = Tensors.keep(Tensors.randn(Tensors.generator(4), 1, 5, 12));
        cHat = Tensors.keep(Tensors.randn(Tensors.generator(5), 1, 5, 12));
        pos = Tensors.keep(new PositionalGrid(8, 8, 8).whole(8, 12));
        x = Tensors.keep(Tensors.randn(Tensors.generator(6), 1, 4, 8, 12));
    }

    static UNet2DConditionModel unet(long seed) {
        UNet2DConditionModel m = new UNet2DConditionModel(UNet2DConditionConfig.tiny());
        m.initialize(Tensors.generator(seed));
        m.eval();
        return m;
    }

    static Tensor eps(UNet2DConditionModel m, Tensor context, Tensor positional, int t) {
        return m.forward(x, PixelPipelines.timestepTensor(t, 1), context, positional);
    }

    static double diff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double();
    }

    static Tensor cfg(Tensor epsU, Tensor epsC, double w) {
        return epsU.add(epsC.sub(epsU).mul(Tensors.s(w)));
    }

    @Test
    void vOneIsPretrainedGuidanceAndVZeroUsesTheFineTunedConditionalBranch() {
        double w = 5;
        int t = 700;
        try (NoGradGuard ignored = new NoGradGuard()) {
            Tensor epsU = eps(pre, u, null, t);
            Tensor epsC = eps(pre, c, null, t);
            Tensor epsHat = eps(ft, cHat, pos, t);
            Tensor v1 = new ModelGuidedDenoiser(pre, ft, u, c, cHat, pos, w, 1.0, 400).predict(x, t);
            assertEquals(0.0, diff(v1, cfg(epsU, epsC, w)), 1e-5);
            Tensor v0 = new ModelGuidedDenoiser(pre, ft, u, c, cHat, pos, w, 0.0, 400).predict(x, t);
            assertEquals(0.0, diff(v0, cfg(epsU, epsHat, w)), 1e-5);
            Tensor mix = epsC.mul(Tensors.s(0.7)).add(epsHat.mul(Tensors.s(0.3)));
            Tensor v07 = new ModelGuidedDenoiser(pre, ft, u, c, cHat, pos, w, 0.7, 400).predict(x, t);
            assertEquals(0.0, diff(v07, cfg(epsU, mix, w)), 1e-5);
            assertTrue(diff(v0, v1) > 1e-3, "the two models differ");
        }
    }

    @Test
    void atOrBelowKOnlyThePretrainedModelIsUsed() {
        double w = 3;
        UNet2DConditionModel poisoned = unet(9);
        try (NoGradGuard ignored = new NoGradGuard()) {
            poisoned.stateDict().values().forEach(p -> p.fill_(Tensors.s(Double.NaN)));
            ModelGuidedDenoiser d = new ModelGuidedDenoiser(pre, poisoned, u, c, cHat, pos, w, 0.3, 400);
            for (int t : new int[]{400, 399, 0}) {
                Tensor got = d.predict(x, t);
                assertEquals(0.0, diff(got, cfg(eps(pre, u, null, t), eps(pre, c, null, t), w)), 1e-5, "t = " + t);
            }
            assertTrue(Double.isNaN(d.predict(x, 401).sum().item_double()), "t = 401 > K uses the fine-tuned model");
            ModelGuidedDenoiser never = new ModelGuidedDenoiser(pre, poisoned, u, c, cHat, pos, w, 0.3, 1000);
            assertTrue(!never.usesFineTuned(999));
        }
    }

    @Test
    void badArguments() {
        assertThrows(IllegalArgumentException.class, () -> new ModelGuidedDenoiser(pre, ft, u, c, cHat, null, 5, 1.5, 400));
        assertThrows(IllegalArgumentException.class, () -> new ModelGuidedDenoiser(pre, ft, u, c, cHat, null, 5, 0.5, -1));
    }
}
