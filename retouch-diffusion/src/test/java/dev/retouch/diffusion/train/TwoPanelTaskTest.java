package dev.retouch.diffusion.train;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.LatentDiffusion;
import dev.retouch.diffusion.model.TinyLatentDiffusion;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two-panel objective: canvases are the two images' latents side by side, captions drawn as documented. */
class TwoPanelTaskTest {
    private static LatentDiffusion ld;
    private static TwoPanelTask.Data data;

    @BeforeAll
    static void precompute() {
        torch.set_num_threads(1);
        ld = TinyLatentDiffusion.create(0);
        LdmData images = LdmData.precompute(ld.vae(), ld.clip(), TinyLatentDiffusion.images(1, 8),
                TinyLatentDiffusion.CAPTIONS, 8, (s, t, m) -> true);
        Tensor joint = LdmData.captionStates(ld.clip(), List.of("grinning face red heart", "cat face thumbs up"), 1,
                (s, t, m) -> true);
        data = new TwoPanelTask.Data(images, new long[]{0, 4}, new long[]{1, 5}, joint);
    }

    private static double diff(Tensor a, Tensor b) {
        return TinyLatentDiffusion.maxAbsDiff(a, b);
    }

    @Test
    void aCanvasIsTheTwoLatentsSideBySideWithTheDrawnCaption() {
        TwoPanelTask task = new TwoPanelTask(ld.unet(), ld.schedule(), data, 0.1, 0);
        Tensor idx = Tensors.ofLongs(new long[]{1, 1, 1, 1, 0}, 5);
        // u below 0.1: empty; [0.1, 0.55): joint; [0.55, 0.775): left caption; above: right caption
        Tensor u = Tensors.of(new float[]{0.05f, 0.3f, 0.6f, 0.9f, 0.3f}, 5, 1, 1);
        Tensor[] zc = task.batch(idx, u);
        Tensor latents = data.images().latents();
        assertArrayEquals(new long[]{5, 4, 8, 16}, Tensors.shape(zc[0]));
        assertEquals(0, diff(zc[0].narrow(0, 0, 1).narrow(3, 0, 8), latents.narrow(0, 4, 1)));
        assertEquals(0, diff(zc[0].narrow(0, 0, 1).narrow(3, 8, 8), latents.narrow(0, 5, 1)));
        assertEquals(0, diff(zc[0].narrow(0, 4, 1).narrow(3, 8, 8), latents.narrow(0, 1, 1)));
        Tensor states = data.images().states();
        assertEquals(0, diff(zc[1].narrow(0, 0, 1), data.images().emptyState()));
        assertEquals(0, diff(zc[1].narrow(0, 1, 1), data.jointStates().narrow(0, 1, 1)));
        assertEquals(0, diff(zc[1].narrow(0, 2, 1), states.narrow(0, 4, 1)));
        assertEquals(0, diff(zc[1].narrow(0, 3, 1), states.narrow(0, 5, 1)));
        assertEquals(0, diff(zc[1].narrow(0, 4, 1), data.jointStates().narrow(0, 0, 1)));
    }

    @Test
    void theLossIsFiniteReproducibleAndTrainsTheUnet() {
        TwoPanelTask task = new TwoPanelTask(ld.unet(), ld.schedule(), data, 0.1, 0);
        double a;
        double b;
        double c;
        try (NoGradGuard ignored = new NoGradGuard()) {
            a = task.loss(4, Tensors.generator(3)).item_double();
            b = task.loss(4, Tensors.generator(3)).item_double();
            c = task.loss(4, Tensors.generator(4)).item_double();
        }
        assertTrue(Double.isFinite(a) && a > 0);
        assertEquals(a, b, 0.0, "same generator, same batch");
        assertNotEquals(a, c);
        Tensor loss = task.loss(4, Tensors.generator(3));
        loss.backward();
        Tensor grad = ld.unet().namedParameters().get("conv_in.weight").grad();
        assertTrue(grad.defined() && grad.abs().sum().item_double() > 0, "gradients reach the UNet");
        ld.unet().parameters().forEach(p -> p.grad().zero_());
    }

    @Test
    void inconsistentDataIsRefused() {
        LdmData images = data.images();
        assertThrows(IllegalArgumentException.class, () -> new TwoPanelTask.Data(images, new long[]{0}, new long[]{9},
                data.jointStates().narrow(0, 0, 1)));
        assertThrows(IllegalArgumentException.class, () -> new TwoPanelTask.Data(images, new long[]{0, 1},
                new long[]{1}, data.jointStates()));
        assertThrows(IllegalArgumentException.class, () -> new TwoPanelTask(ld.unet(), ld.schedule(), data, 1.5, 0));
    }
}
