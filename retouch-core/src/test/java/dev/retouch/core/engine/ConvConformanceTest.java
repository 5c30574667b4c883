package dev.retouch.core.engine;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kernel conformance: every convolution shape family the project's models use, and a sweep around them (C_in
 * 1–192, C_out 1–80, batch 1–4, 8–64 px, stride 1 and 2, 1×1 and 3×3 kernels, grouped and depthwise, transposed),
 * run forward and backward through {@link Convolution} along the route this machine's self-check chose, against
 * {@link ConvReference} (im2col + matmul in float64, checked against the definition in Java loops). A machine
 * whose engine is wrong fails here loudly, whichever CPU runs the suite.
 */
class ConvConformanceTest {
    private static final double TOL = 1e-4; // relative to the reference's largest magnitude (floored at 1)

    @BeforeAll
    static void engine() {
        Engine.verdict();
    }

    /** One convolution of the sweep. */
    private record Case(int batch, int cIn, int cOut, int size, int kernel, int stride, int groups,
                        boolean transposed, boolean inputGradient) {
        @Override
        public String toString() {
            return (transposed ? "transposed " : "") + batch + "×" + cIn + "→" + cOut + " " + size + "px k" + kernel
                    + " s" + stride + (groups > 1 ? " g" + groups : "") + (inputGradient ? "" : " (weight grad only)");
        }
    }

    @Test
    void referencesAgreeWithTheDefinition() {
        Generator g = Tensors.generator(5);
        for (int[] c : new int[][]{{2, 3, 4, 5, 3, 1, 1, 1}, {2, 4, 6, 6, 3, 2, 1, 2}, {1, 6, 4, 5, 1, 1, 0, 2}}) {
            int n = c[0], cin = c[1], o = c[2], hw = c[3], k = c[4], s = c[5], p = c[6], groups = c[7];
            Tensor x = Tensors.randn(g, n, cin, hw, hw).to(torch.ScalarType.Double);
            Tensor w = Tensors.randn(g, o, cin / groups, k, k).to(torch.ScalarType.Double);
            Tensor b = Tensors.randn(g, o).to(torch.ScalarType.Double);
            double[] expected = ConvReference.naiveConv2d(doubles(x), n, cin, hw, hw, doubles(w), o, k, doubles(b),
                    s, p, groups);
            assertArrayEquals(expected, doubles(ConvReference.conv2d(x, w, b, s, p, groups)), 1e-9);
        }
        Tensor x = Tensors.randn(g, 2, 3, 4, 4).to(torch.ScalarType.Double);
        Tensor w = Tensors.randn(g, 3, 5, 4, 4).to(torch.ScalarType.Double);
        double[] expected = ConvReference.naiveConvTranspose2d(doubles(x), 2, 3, 4, 4, doubles(w), 5, 4, 2, 1, 0);
        assertArrayEquals(expected, doubles(ConvReference.convTranspose2d(x, w, null, 2, 1, 0)), 1e-9);
    }

    @Test
    void everyConvolutionOfTheSweepMatchesTheReference() {
        List<String> wrong = new ArrayList<>();
        List<Case> cases = sweep();
        for (int i = 0; i < cases.size(); i++) {
            double e = error(cases.get(i), 7000 + i);
            if (!(e <= TOL)) {
                wrong.add(cases.get(i) + ": " + String.format(Locale.ROOT, "%.3g", e));
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + cases.size() + " convolutions wrong along route "
                + Engine.route() + " on " + Engine.verdict().cpu() + "; first: "
                + wrong.subList(0, Math.min(12, wrong.size())));
    }

    @Test
    void paddingChannelsIsExactWhereverItApplies() {
        // the PAD_CHANNELS route on shapes it pads, whatever route this machine chose: zeros added and cut away
        List<String> wrong = new ArrayList<>();
        int[][] shapes = {{3, 24, 32}, {2, 40, 8}, {3, 32, 3}, {2, 12, 4}, {2, 72, 24}};
        for (int i = 0; i < shapes.length; i++) {
            Case c = new Case(shapes[i][0], shapes[i][1], shapes[i][2], 16, 3, 1, 1, false, true);
            double e = SelfCheck.error(ConvRoute.PAD_CHANNELS, new SelfCheck.Probe(c.batch, c.cIn, c.cOut, c.size,
                    c.kernel, c.stride, 1, true), 300 + i);
            if (!(e <= TOL)) {
                wrong.add(c + ": " + e);
            }
        }
        assertTrue(wrong.isEmpty(), "PAD_CHANNELS wrong on " + wrong);
    }

    @Test
    void theSelfCheckTrustsTheRouteItChose() {
        Engine.Verdict v = Engine.verdict();
        assertTrue(v.trusted(), "no route passed the engine self-check on " + v.cpu() + ": " + v.tried());
        assertTrue(v.tried().get(v.tried().size() - 1).passed());
    }

    /** C_in 1–48 and beyond to 192 against a spread of C_out, batches, sizes, strides; grouped; transposed. */
    private static List<Case> sweep() {
        List<Case> cases = new ArrayList<>();
        List<Integer> cIns = new ArrayList<>();
        for (int c = 1; c <= 48; c++) {
            cIns.add(c);
        }
        cIns.addAll(List.of(56, 64, 72, 80, 96, 100, 128, 160, 192));
        int[] cOuts = {1, 3, 4, 8, 16, 24, 32, 40, 48, 64, 80};
        int[] sizes = {8, 16, 32};
        for (int cIn : cIns) {
            for (int cOut : cOuts) {
                int batch = 1 + (cIn + cOut) % 4;
                int size = sizes[(cIn + 2 * cOut) % 3];
                int kernel = (cIn + cOut) % 5 == 0 ? 1 : 3;
                int stride = (cIn * 7 + cOut) % 3 == 0 ? 2 : 1;
                cases.add(new Case(batch, cIn, cOut, size, kernel, stride, 1, false, (cIn + cOut) % 7 != 0));
            }
        }
        for (int[] c : new int[][]{{1, 3, 32}, {2, 24, 32}, {1, 32, 3}, {2, 4, 24}}) {
            cases.add(new Case(c[0], c[1], c[2], 64, 3, 1, 1, false, true)); // 64 px
        }
        for (int[] c : new int[][]{{2, 8, 2}, {3, 32, 4}, {2, 64, 32}, {2, 3, 3}, {4, 96, 96}, {3, 24, 3}, {1, 40, 8}}) {
            cases.add(new Case(c[0], c[1], c[1], 16, 3, 1, c[2], false, true)); // grouped, depthwise
        }
        for (int cIn : new int[]{4, 8, 16, 24, 32, 40, 64}) {
            for (int cOut : new int[]{3, 4, 8, 16, 24, 32}) {
                cases.add(new Case(1 + (cIn + cOut) % 3, cIn, cOut, 8, 4, 2, 1, true, true));
            }
        }
        return cases;
    }

    /** Largest relative error of the output and gradients of {@code c} along this machine's route. */
    private static double error(Case c, long seed) {
        try (PointerScope scope = new PointerScope()) {
            Generator g = Tensors.generator(seed);
            int fanIn = c.cIn / c.groups * c.kernel * c.kernel;
            Tensor x = Tensors.randn(g, c.batch, c.cIn, c.size, c.size);
            Tensor w = (c.transposed ? Tensors.randn(g, c.cIn, c.cOut, c.kernel, c.kernel)
                    : Tensors.randn(g, c.cOut, c.cIn / c.groups, c.kernel, c.kernel)).mul(Tensors.s(1 / Math.sqrt(fanIn)));
            Tensor b = Tensors.randn(g, c.cOut);
            Tensor xf = x.clone().requires_grad_(c.inputGradient);
            Tensor wf = w.clone().requires_grad_(true);
            Tensor xd = x.to(torch.ScalarType.Double).requires_grad_(c.inputGradient);
            Tensor wd = w.to(torch.ScalarType.Double).requires_grad_(true);
            Tensor bd = b.to(torch.ScalarType.Double);
            long[] st = {c.stride, c.stride};
            Tensor y;
            Tensor yd;
            if (c.transposed) {
                y = Convolution.convTranspose2d(xf, wf, b, st, new long[]{1, 1}, new long[]{0, 0});
                yd = ConvReference.convTranspose2d(xd, wd, bd, c.stride, 1, 0);
            } else {
                long pad = c.kernel / 2;
                y = Convolution.conv2d(xf, wf, b, st, new long[]{pad, pad}, c.groups);
                yd = ConvReference.conv2d(xd, wd, bd, c.stride, pad, c.groups);
            }
            Tensor dy = Tensors.randn(g, Tensors.shape(yd));
            y.mul(dy).sum().backward();
            yd.mul(dy.to(torch.ScalarType.Double)).sum().backward();
            double e = Math.max(SelfCheck.relative(y, yd), SelfCheck.relative(wf.grad(), wd.grad()));
            return c.inputGradient ? Math.max(e, SelfCheck.relative(xf.grad(), xd.grad())) : e;
        }
    }

    private static double[] doubles(Tensor t) {
        Tensor d = t.to(torch.ScalarType.Double).contiguous();
        double[] out = new double[(int) d.numel()];
        new org.bytedeco.javacpp.DoublePointer(d.data_ptr()).get(out);
        return out;
    }
}
