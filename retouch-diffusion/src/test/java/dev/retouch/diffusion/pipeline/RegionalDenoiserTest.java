package dev.retouch.diffusion.pipeline;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.retouch.diffusion.model.TinyLatentDiffusion.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Paper 003 Eq. 2: masked composable guidance, against separate classifier-free-guided passes combined by hand. */
class RegionalDenoiserTest {
    private static LatentDiffusion ld;

    @BeforeAll
    static void tinyModel() {
        torch.set_num_threads(1);
        ld = TinyLatentDiffusion.create(0);
    }

    private static Tensor states(String prompt) {
        return PromptStates.encode(ld, List.of(prompt), "", new ArrayList<String>()::add).prompt();
    }

    private static Tensor unconditional() {
        return PromptStates.encode(ld, List.of("x"), "", new ArrayList<String>()::add).negative();
    }

    @Test
    void oneFullRegionOfWeightOneIsClassifierFreeGuidance() {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor u = unconditional();
            Tensor c = states("cat face");
            Tensor ones = torch.ones(1, 1, 8, 8);
            RegionalDenoiser r = new RegionalDenoiser(ld.unet(), u, List.of(new RegionalDenoiser.Region(c, 1.0, ones)), 3.0);
            Tensor x = Tensors.randn(Tensors.generator(1), 2, 4, 8, 8);
            Tensor want = GuidedDenoiser.classifierFree(ld.unet(), u.expand(2, -1, -1).contiguous(),
                    c.expand(2, -1, -1).contiguous(), 3.0).predict(x, 400);
            RegionalDenoiser r2 = new RegionalDenoiser(ld.unet(), u.expand(2, -1, -1).contiguous(), List.of(
                    new RegionalDenoiser.Region(c.expand(2, -1, -1).contiguous(), 1.0, ones)), 3.0);
            assertTrue(maxAbsDiff(r2.predict(x, 400), want) < 1e-5);
            assertEquals(2, r.branches());
        }
    }

    @Test
    void twoPanelsMixTheSharedPromptWithEachSidesPrompt() {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Tensor u = unconditional();
            Tensor shared = states("grinning face");
            Tensor a = states("red heart");
            Tensor b = states("thumbs up");
            RegionalDenoiser d = RegionalDenoiser.twoPanels(ld.unet(), u, shared, a, b, 8, 8, 0.1, 0.9, 5.0);
            assertEquals(4, d.branches());
            Tensor x = Tensors.randn(Tensors.generator(2), 1, 4, 8, 8);
            Tensor got = d.predict(x, 700);
            Tensor es = GuidedDenoiser.classifierFree(ld.unet(), u, shared, 5.0).predict(x, 700);
            Tensor ea = GuidedDenoiser.classifierFree(ld.unet(), u, a, 5.0).predict(x, 700);
            Tensor eb = GuidedDenoiser.classifierFree(ld.unet(), u, b, 5.0).predict(x, 700);
            Tensor left = es.mul(Tensors.s(0.1)).add(ea.mul(Tensors.s(0.9))).narrow(3, 0, 4);
            Tensor right = es.mul(Tensors.s(0.1)).add(eb.mul(Tensors.s(0.9))).narrow(3, 4, 4);
            assertTrue(maxAbsDiff(got.narrow(3, 0, 4), left) < 1e-5, "left panel: shared + source");
            assertTrue(maxAbsDiff(got.narrow(3, 4, 4), right) < 1e-5, "right panel: shared + target");
            assertTrue(maxAbsDiff(ea, eb) > 1e-3, "the two prompts differ for the (untrained) model");
        }
    }

    @Test
    void badRegionsAreRefused() {
        Tensor u = unconditional();
        Tensor c = states("cat face");
        assertThrows(IllegalArgumentException.class, () -> new RegionalDenoiser.Region(c, -0.1, torch.ones(1, 1, 8, 8)));
        assertThrows(IllegalArgumentException.class, () -> new RegionalDenoiser.Region(c, 1, torch.ones(8, 8)));
        assertThrows(IllegalArgumentException.class, () -> new RegionalDenoiser(ld.unet(), u, List.of(), 1));
        assertThrows(IllegalArgumentException.class, () -> new RegionalDenoiser(ld.unet(), u,
                List.of(new RegionalDenoiser.Region(c, 1, torch.ones(1, 1, 8, 8))), -1));
        assertThrows(IllegalArgumentException.class, () -> RegionalDenoiser.twoPanels(ld.unet(), u, c, c, c, 8, 7,
                0.1, 0.9, 1));
    }
}
