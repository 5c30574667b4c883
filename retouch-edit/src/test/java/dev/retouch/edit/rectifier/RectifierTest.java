package dev.retouch.edit.rectifier;

import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.model.DdpmConfig;
import dev.retouch.diffusion.model.PixelDiffusionModel;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.train.TrainConfig;
import dev.retouch.diffusion.train.Trainer;
import dev.retouch.diffusion.unet.UNet2DConfig;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RectifierTest {
    @TempDir
    Path tmp;

    static PixelDiffusionModel tinyBase(long seed) {
        PixelDiffusionModel m = PixelDiffusionModel.create(DdpmConfig.of(UNet2DConfig.tiny(),
                NoiseScheduleConfig.ddpmLinear()), seed);
        m.unet().eval();
        return m;
    }

    static double maxAbs(Tensor t) {
        return torch.max(t.abs()).item_double();
    }

    @Test
    void itModulatesEveryKernelOfTheMiddleAndUpBlocksAndNothingElse() {
        PixelDiffusionModel base = tinyBase(1);
        List<RectifierConfig.Layer> layers = RectifierConfig.modulatedLayers(base.unet());
        // independently of the module walk: the 4-D weights under mid_block / up_blocks in the state dict
        List<String> kernels = base.unet().namedParameters().entrySet().stream()
                .filter(e -> e.getValue().dim() == 4 && e.getKey().endsWith(".weight")
                        && (e.getKey().startsWith("mid_block.") || e.getKey().startsWith("up_blocks.")))
                .map(e -> e.getKey().substring(0, e.getKey().length() - ".weight".length())).collect(Collectors.toList());
        assertEquals(kernels, layers.stream().map(RectifierConfig.Layer::name).toList());
        assertTrue(layers.stream().anyMatch(l -> l.name().contains("upsamplers")), layers::toString);
        assertTrue(layers.stream().anyMatch(l -> l.kernel() == 1), "the 1×1 shortcuts are modulated too");
        for (RectifierConfig.Layer l : layers) {
            long[] shape = base.unet().namedParameters().get(l.name() + ".weight").sizes().vec().get();
            assertEquals(List.of((long) l.out(), (long) l.in(), (long) l.kernel(), (long) l.kernel()),
                    List.of(shape[0], shape[1], shape[2], shape[3]));
        }
        Rectifier other = new Rectifier(RectifierConfig.forUnet(base.unet(), "x").withLayers(layers.subList(1, layers.size())));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RectifiedModel(base, other));
        assertTrue(e.getMessage().contains("layer 1 is " + layers.get(1).name()) && e.getMessage().contains(
                layers.get(0).name()), e.getMessage()); // names the first mismatching layer
    }

    @Test
    void aNewRectifierLeavesTheBaseModelsPredictionUnchanged() {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            PixelDiffusionModel base = tinyBase(2);
            Rectifier r = new Rectifier(RectifierConfig.forUnet(base.unet(), "x"));
            r.initialize(Tensors.generator(3));
            RectifiedModel m = new RectifiedModel(base, r);
            Generator g = Tensors.generator(4);
            int s = base.sampleSize();
            Tensor x0 = Tensors.rand(g, 3, 3, s, s).mul(Tensors.s(2)).sub(Tensors.s(1));
            Tensor xt = Tensors.randn(g, 3, 3, s, s);
            int[] t = {10, 500, 990};
            Tensor plain = base.unet().forward(xt, RectifiedModel.timesteps(t));
            Tensor rectified = m.forward(xt, t, x0);
            assertTrue(maxAbs(plain.sub(rectified)) < 1e-4, "Δ = 0 must be the base model: " + maxAbs(plain.sub(rectified)));
            // a non-zero B head changes the prediction, differently per sample
            r.namedParameters().entrySet().stream().filter(e -> e.getKey().contains("head_b"))
                    .forEach(e -> e.getValue().copy_(Tensors.randn(Tensors.generator(5), Tensors.shape(e.getValue()))
                            .mul(Tensors.s(0.05))));
            Tensor moved = m.forward(xt, t, x0);
            assertTrue(maxAbs(plain.sub(moved)) > 1e-3, "the offsets did not reach the UNet");
            // the shared down path gives exactly the two full passes of the paper's design
            var schedule = base.schedule();
            Tensor tt = RectifiedModel.timesteps(t);
            Tensor x0hat = schedule.maybeClip(schedule.predictX0(base.unet().forward(xt, tt), xt, t));
            Map<String, dev.retouch.core.nn.Conv2d> convs = RectifierConfig.convolutions(base.unet());
            Map<dev.retouch.core.nn.Conv2d, Tensor> offsets = new java.util.HashMap<>();
            r.forward(x0, x0hat, tt).forEach((name, d) -> offsets.put(convs.get(name), d));
            Tensor twoFullPasses = dev.retouch.core.nn.Conv2d.modulated(offsets, () -> base.unet().forward(xt, tt));
            assertEquals(0.0, maxAbs(twoFullPasses.sub(moved)));
        }
    }

    @Test
    void aNewRectifierReconstructsAsTheBaseModelDoes() {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            PixelDiffusionModel base = tinyBase(10);
            Rectifier r = new Rectifier(RectifierConfig.forUnet(base.unet(), "x"));
            r.initialize(Tensors.generator(11));
            int s = base.sampleSize();
            Tensor x0 = Tensors.rand(Tensors.generator(12), 2, 3, s, s).mul(Tensors.s(2)).sub(Tensors.s(1));
            var plain = dev.retouch.diffusion.pipeline.PixelPipelines.reconstruct(base, x0, 5,
                    dev.retouch.diffusion.pipeline.LoopHooks.NONE);
            var rectified = new RectifiedModel(base, r).reconstruct(x0, 5, dev.retouch.diffusion.pipeline.LoopHooks.NONE);
            assertTrue(maxAbs(plain.latent().sub(rectified.latent())) < 1e-3, "inverted with the same network");
            assertTrue(maxAbs(plain.image().sub(rectified.image())) < 1e-3);
        }
    }

    @Test
    void reconstructionTrainingLowersTheLossAndLeavesTheBaseUntouched() throws Exception {
        PixelDiffusionModel base = tinyBase(6);
        Map<String, Tensor> before = base.unet().stateDict().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().clone()));
        Rectifier r = new Rectifier(RectifierConfig.forUnet(base.unet(), "x"));
        r.initialize(Tensors.generator(7));
        RectifiedModel m = new RectifiedModel(base, r);
        int s = base.sampleSize();
        Tensor data = Tensors.keep(Tensors.rand(Tensors.generator(8), 4, 3, s, s).mul(Tensors.s(2)).sub(Tensors.s(1)));
        RectifierTask task = new RectifierTask(m, data);
        double initial = evalLoss(task);
        Trainer trainer = new Trainer(task, new TrainConfig(80, 4, 2e-3, 5, 0.0, 1.0, 0.0, 1000, 9), tmp.resolve("run"));
        trainer.run(dev.retouch.core.progress.StepListener.NONE);
        r.loadStateDict(trainer.finalWeights(), true);
        double trained = evalLoss(task);
        assertTrue(trained < 0.8 * initial, "loss on fixed draws: " + initial + " → " + trained);
        for (var e : base.unet().stateDict().entrySet()) {
            assertEquals(0.0, maxAbs(e.getValue().sub(before.get(e.getKey()))), e.getKey() + " changed");
        }
        assertFalse(base.unet().parameters().get(0).requires_grad());
    }

    /** The mean loss over 8 fixed batches (same draws before and after training). */
    private static double evalLoss(RectifierTask task) {
        try (PointerScope ignored = new PointerScope(); NoGradGuard ng = new NoGradGuard()) {
            Generator g = Tensors.generator(100);
            double sum = 0;
            for (int i = 0; i < 8; i++) {
                sum += task.loss(4, g).item_double();
            }
            return sum / 8;
        }
    }
}
