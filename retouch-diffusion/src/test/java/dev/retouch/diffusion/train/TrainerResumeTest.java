package dev.retouch.diffusion.train;

import dev.retouch.core.RetouchException;
import dev.retouch.core.io.Safetensors;
import dev.retouch.core.progress.Progress;
import dev.retouch.core.progress.StepListener;
import dev.retouch.core.tensor.Tensors;
import dev.retouch.diffusion.schedule.NoiseSchedule;
import dev.retouch.diffusion.schedule.NoiseScheduleConfig;
import dev.retouch.diffusion.unet.UNet2DConfig;
import dev.retouch.diffusion.unet.UNet2DModel;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exact resume, atomic checkpoints, a learning sanity check, and the optimizer / EMA maths by hand. */
class TrainerResumeTest {
    @TempDir
    Path tmp;

    @BeforeAll
    static void oneThread() {
        torch.set_num_threads(1);
    }

    /** A tiny DDPM run: its model and trainer. */
    record Run(UNet2DModel model, Trainer trainer) {
    }

    private static Tensor images(int n, long seed) {
        return Tensors.rand(Tensors.generator(seed), n, 3, 8, 8).mul(Tensors.s(2)).sub(Tensors.s(1)); // [−1, 1]
    }

    private static Run run(TrainConfig c, Path dir, Tensor data) {
        UNet2DModel m = new UNet2DModel(UNet2DConfig.tiny());
        m.initialize(Tensors.generator(11));
        DdpmTask task = new DdpmTask(m, new NoiseSchedule(NoiseScheduleConfig.ddpmLinear()), data, true);
        return new Run(m, new Trainer(task, c, dir));
    }

    private static TrainConfig config(int steps) {
        return new TrainConfig(steps, 4, 1e-3, 2, 0.01, 1.0, 0.9, 3, 7);
    }

    private static double maxAbsDiff(Map<String, Tensor> a, Map<String, Tensor> b) {
        assertEquals(a.keySet(), b.keySet());
        double m = 0;
        for (String k : a.keySet()) {
            float[] x = Tensors.toFloats(a.get(k));
            float[] y = Tensors.toFloats(b.get(k));
            for (int i = 0; i < x.length; i++) {
                m = Math.max(m, Math.abs(x[i] - y[i]));
            }
        }
        return m;
    }

    /** loss.csv without the wall-clock column: step, loss, lr. */
    private static List<String> lossRows(Path dir) throws IOException {
        return Files.readAllLines(dir.resolve(Trainer.LOSS_CSV)).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))).toList();
    }

    private static Set<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void threeStepsPlusResumeEqualSixStraight() throws IOException {
        Tensor data = images(8, 1);
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");

        Run straight = run(config(6), a, data);
        List<String> checkpointSteps = new ArrayList<>();
        Trainer.Result ra = straight.trainer().run((step, total, loss) -> {
            if (step == 4) { // the periodic checkpoint of step 3 is on disk by now
                checkpointSteps.add(Safetensors.readMetadata(a.resolve(Trainer.CHECKPOINT)).get("step"));
            }
            return true;
        });
        assertEquals(List.of("3"), checkpointSteps);
        assertTrue(ra.finished());
        assertEquals(6, ra.steps());

        Trainer.Result first = run(config(3), b, data).trainer().run(Progress.silent());
        assertEquals(3, first.steps());
        Run resumed = run(config(6), b, data); // a fresh model with the same init seed
        resumed.trainer().resume();
        assertEquals(3, resumed.trainer().step());
        Trainer.Result rb = resumed.trainer().run(Progress.silent());
        assertEquals(6, rb.steps());
        assertTrue(rb.finished());

        double weights = maxAbsDiff(straight.model().stateDict(), resumed.model().stateDict());
        double ema = maxAbsDiff(straight.trainer().finalWeights(), resumed.trainer().finalWeights());
        System.out.printf("resume: max |Δweights| = %.3g, max |ΔEMA| = %.3g%n", weights, ema);
        assertEquals(0.0, weights, "model weights after 3 + resume + 3 vs 6 straight");
        assertEquals(0.0, ema, "EMA weights after 3 + resume + 3 vs 6 straight");

        List<String> rowsA = lossRows(a);
        assertEquals(7, rowsA.size(), "header + 6 steps: " + rowsA);
        assertEquals("step,loss,lr", rowsA.get(0));
        assertEquals(rowsA, lossRows(b));
        // the weights really moved, and the EMA differs from the live weights
        assertTrue(maxAbsDiff(straight.model().stateDict(), run(config(6), tmp.resolve("c"), data).model().stateDict()) > 1e-4);
        assertTrue(maxAbsDiff(straight.model().stateDict(), straight.trainer().finalWeights()) > 1e-6);
        // the saved checkpoints agree as well (optimizer moments and generator state included)
        Map<String, Tensor> ca = Safetensors.load(a.resolve(Trainer.CHECKPOINT));
        Map<String, Tensor> cb = Safetensors.load(b.resolve(Trainer.CHECKPOINT));
        assertTrue(ca.containsKey("optim.m.conv_in.weight") && ca.containsKey("rng") && ca.containsKey("ema.conv_out.bias"));
        assertEquals(0.0, maxAbsDiff(ca, cb));
        assertEquals("6", Safetensors.readMetadata(b.resolve(Trainer.CHECKPOINT)).get("optimizer_steps"));
    }

    @Test
    void cancelledRunResumesExactly() throws IOException {
        Tensor data = images(8, 2);
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        Run straight = run(config(4), a, data);
        straight.trainer().run(Progress.silent());
        StepListener cancelAt2 = (step, total, loss) -> step < 2;
        Trainer.Result cancelled = run(config(4), b, data).trainer().run(cancelAt2);
        assertFalse(cancelled.finished());
        assertEquals(2, cancelled.steps());
        Run resumed = run(config(4), b, data);
        resumed.trainer().resume();
        resumed.trainer().run(Progress.silent());
        assertEquals(0.0, maxAbsDiff(straight.model().stateDict(), resumed.model().stateDict()));
        assertEquals(lossRows(a), lossRows(b));
    }

    @Test
    void checkpointsAreAtomicAndResumeNeedsOne() throws IOException {
        Path dir = tmp.resolve("run");
        Run r = run(new TrainConfig(2, 2, 1e-3, 0, 0, 0, 0, 1, 3), dir, images(4, 3));
        r.trainer().run(Progress.silent());
        assertEquals(Set.of(Trainer.CHECKPOINT, Trainer.LOSS_CSV), names(dir), "no temporary files are left");
        assertFalse(Safetensors.load(dir.resolve(Trainer.CHECKPOINT)).keySet().stream().anyMatch(k -> k.startsWith("ema.")),
                "no EMA when emaDecay = 0");

        Path empty = tmp.resolve("empty");
        Trainer fresh = run(config(6), empty, images(4, 3)).trainer();
        RetouchException e = assertThrows(RetouchException.class, fresh::resume);
        assertTrue(e.getMessage().contains("no checkpoint") && e.getMessage().contains(empty.toString()), e.getMessage());
    }

    @Test
    void lossDecreasesWhenFittingOneImage() {
        Tensor one = images(1, 4);
        UNet2DModel m = new UNet2DModel(UNet2DConfig.tiny());
        m.initialize(Tensors.generator(5));
        DdpmTask task = new DdpmTask(m, new NoiseSchedule(NoiseScheduleConfig.ddpmLinear()), one, false);
        Trainer t = new Trainer(task, new TrainConfig(30, 16, 3e-3, 0, 0, 1.0, 0, 0, 6), tmp.resolve("fit"));
        List<Double> losses = new ArrayList<>();
        t.run((step, total, loss) -> losses.add(loss));
        double first = losses.subList(0, 5).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(25, 30).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        System.out.printf("fit one image: mean loss steps 1-5 = %.4f, steps 26-30 = %.4f%n", first, last);
        // measured here: 0.98 → 0.47; an untrained UNet predicting ε sits near 1
        assertTrue(first > 0.8, "starts near the untrained level: " + first);
        assertTrue(last < 0.6 * first, "loss should fall by at least 40 %: " + first + " → " + last);
    }

    @Test
    void packedParametersKeepTheirIdentityAndAFrozenOneStaysPut() {
        Tensor a = Tensors.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor b = Tensors.of(new float[]{7, 8}, 2);
        Tensor c = Tensors.of(new float[]{9}, 1);
        for (Tensor t : new Tensor[]{a, b, c}) {
            t.set_requires_grad(true);
        }
        java.util.Map<String, Tensor> named = new java.util.LinkedHashMap<>();
        named.put("a", a);
        named.put("b", b);
        named.put("c", c);
        AdamW opt = new AdamW(named, 0.0);
        // packing keeps values, shapes and the tensor objects the model holds
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, Tensors.toFloats(a), 0f);
        assertArrayEquals(new long[]{2, 3}, Tensors.shape(a));
        // c takes no part in the loss: it has no gradient, and must not move (no decay, no moment update)
        opt.zeroGrad();
        a.sum().add(b.mul(Tensors.s(2)).sum()).backward();
        opt.step(0.1);
        float[] fa = Tensors.toFloats(a);
        float[] fb = Tensors.toFloats(b);
        // first Adam step moves every coordinate by lr·sign(g) (m̂ = g, √v̂ = |g|)
        assertEquals(0.9f, fa[0], 1e-5f);
        assertEquals(5.9f, fa[5], 1e-5f);
        assertEquals(6.9f, fb[0], 1e-5f);
        assertEquals(9f, Tensors.toFloats(c)[0], 0f);
        // all gradients present: the flat path; the step is the same hand formula
        opt.zeroGrad();
        a.sum().add(b.sum()).add(c.mul(Tensors.s(-3)).sum()).backward();
        opt.step(0.1);
        assertTrue(Tensors.toFloats(c)[0] > 9f, "c moves once it has a gradient (descends along +3)");
        assertEquals(3, opt.state().size() / 2);
        assertArrayEquals(new long[]{2, 3}, Tensors.shape(opt.state().get("m.a")));
    }

    @Test
    void adamWMatchesAHandComputedUpdate() {
        double[] p = {1.0, -2.0};
        double[][] grads = {{0.5, 0.1}, {-0.3, 0.4}, {0.2, 0.2}};
        double lr = 0.1;
        double wd = 0.05;
        Tensor param = Tensors.of(new float[]{1f, -2f}, 2);
        param.set_requires_grad(true);
        AdamW opt = new AdamW(Map.of("p", param), wd);
        double[] m = new double[2];
        double[] v = new double[2];
        for (int step = 1; step <= grads.length; step++) {
            double[] g = grads[step - 1];
            opt.zeroGrad();
            param.mul(Tensors.of(new float[]{(float) g[0], (float) g[1]}, 2)).sum().backward(); // ∂/∂p = g
            opt.step(lr);
            // Loshchilov & Hutter, Algorithm 2: decoupled decay, then the bias-corrected Adam step
            for (int i = 0; i < 2; i++) {
                m[i] = 0.9 * m[i] + 0.1 * g[i];
                v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                double mHat = m[i] / (1 - Math.pow(0.9, step));
                double vHat = v[i] / (1 - Math.pow(0.999, step));
                p[i] = p[i] * (1 - lr * wd) - lr * mHat / (Math.sqrt(vHat) + 1e-8);
            }
            float[] got = Tensors.toFloats(param);
            assertEquals(p[0], got[0], 1e-6, "p0 after step " + step);
            assertEquals(p[1], got[1], 1e-6, "p1 after step " + step);
        }
        assertEquals(3, opt.stepCount());
        float[] mState = Tensors.toFloats(opt.state().get("m.p"));
        float[] vState = Tensors.toFloats(opt.state().get("v.p"));
        assertEquals(m[0], mState[0], 1e-7);
        assertEquals(v[1], vState[1], 1e-9);
    }

    @Test
    void gradientClippingScalesTheGlobalNorm() {
        Tensor a = torch.zeros(2);
        Tensor b = torch.zeros(1);
        a.set_requires_grad(true);
        b.set_requires_grad(true);
        AdamW opt = new AdamW(Map.of("a", a, "b", b), 0);
        // grads (3, 0) and (4): global norm 5
        a.mul(Tensors.of(new float[]{3, 0}, 2)).sum().add(b.mul(Tensors.s(4)).sum()).backward();
        assertEquals(5.0, opt.clipGradNorm(10.0), 1e-6);
        assertEquals(3f, Tensors.toFloats(a.grad())[0], "below the threshold nothing changes");
        assertEquals(5.0, opt.clipGradNorm(1.0), 1e-6);
        float[] ga = Tensors.toFloats(a.grad());
        float[] gb = Tensors.toFloats(b.grad());
        assertEquals(0.6, ga[0], 1e-6);
        assertEquals(0.0, ga[1], 0.0);
        assertEquals(0.8, gb[0], 1e-6);
        assertEquals(1.0, Math.sqrt(ga[0] * ga[0] + gb[0] * gb[0]), 1e-6, "global norm clipped to the threshold");
        assertEquals(1.0, opt.clipGradNorm(0), 1e-6, "0 = off, still reports the norm");
    }

    @Test
    void emaUsesTheWarmUpDecay() {
        Tensor w = torch.zeros(1);
        Tensor count = Tensor.create(new long[]{0}, 1);
        double decay = 0.9;
        Ema ema = new Ema(Map.of("w", w, "count", count), decay);
        double shadow = 0;
        double[] live = {1.0, 3.0, -2.0, 5.0};
        long[] n = {1, 2, 50, 200};
        for (int i = 0; i < live.length; i++) {
            w.fill_(Tensors.s(live[i]));
            count.fill_(Tensors.s(i + 10));
            ema.update(n[i]);
            double d = Math.min(decay, (1.0 + n[i]) / (10.0 + n[i])); // 2/11, 3/12, then 0.9
            shadow = d * shadow + (1 - d) * live[i];
            assertEquals(shadow, Tensors.toFloats(ema.state().get("w"))[0], 1e-6, "after update " + n[i]);
            assertEquals(i + 10, ema.state().get("count").item_long(), "integer tensors are copied");
        }
        assertEquals(1 - 2.0 / 11, 1 - Math.min(decay, 2.0 / 11), 0.0);
    }

    @Test
    void withoutWarmupTheAverageUsesTheFullDecayFromTheFirstStep() {
        Tensor w = torch.ones(1);
        Ema ema = new Ema(Map.of("w", w), 0.9, false);
        w.fill_(Tensors.s(11.0));
        ema.update(1);
        assertEquals(0.9 * 1 + 0.1 * 11, Tensors.toFloats(ema.state().get("w"))[0], 1e-6,
                "the starting weights keep weight 0.9 (with the warm-up they would keep 2/11)");
    }

    @Test
    void learningRateWarmsUpLinearlyAndConfigIsValidated() {
        TrainConfig c = new TrainConfig(10, 4, 1e-3, 4, 0, 0, 0, 0, 1);
        assertEquals(0.25e-3, c.learningRateAt(0), 1e-15);
        assertEquals(0.75e-3, c.learningRateAt(2), 1e-15);
        assertEquals(1e-3, c.learningRateAt(3), 1e-15);
        assertEquals(1e-3, c.learningRateAt(9), 1e-15);
        assertEquals(1e-3, new TrainConfig(10, 4, 1e-3, 0, 0, 0, 0, 0, 1).learningRateAt(0), 0.0);
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(0, 4, 1e-3, 0, 0, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 0, 1e-3, 0, 0, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 4, 0, 0, 0, 0, 0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 4, 1e-3, 0, 0, 0, 1.0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 4, 1e-3, -1, 0, 0, 0, 0, 1));
    }
}
