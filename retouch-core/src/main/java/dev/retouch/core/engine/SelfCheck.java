package dev.retouch.core.engine;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;

/**
 * Probes this machine's convolution engine: each {@link Probe} runs forward and backward along a route and is
 * compared with the same convolution in float64, which libtorch computes with ATen's own kernels (oneDNN has no
 * float64 convolution), so the reference never shares the code under test. Routes are tried from fastest to
 * safest; the first that gets every probe right is chosen.
 *
 * <p>The probes cover the families oneDNN 3.7.1 (libtorch 2.10) got wrong on an AMD EPYC with AVX-512: input
 * channels above 16 that are not a multiple of 16 (forward), output channels not a multiple of 16 when the
 * input's gradient is computed (backward-data), including 1×1 convolutions; strided backward-data passes whose channels are not a multiple
 * of 32; the multiples of 8 that
 * AVX2's 8-wide blocks pad; and the configurations the shipped models use, which must stay right too.
 */
public final class SelfCheck {
    /** Largest error accepted, relative to the reference's largest magnitude (floored at 1). */
    public static final double TOLERANCE = 1e-3;

    /** One convolution the check runs, forward and backward: 'same' padding, square kernel. */
    public record Probe(int batch, int cIn, int cOut, int size, int kernel, int stride, int groups,
                        boolean inputGradient) {
        static Probe of(int batch, int cIn, int cOut, int size) {
            return new Probe(batch, cIn, cOut, size, 3, 1, 1, true);
        }

        /** e.g. "3×24→32 16×16 k3 s1". */
        public String describe() {
            return batch + "×" + cIn + "→" + cOut + " " + size + "×" + size + " k" + kernel + " s" + stride
                    + (groups > 1 ? " g" + groups : "") + (inputGradient ? "" : " (weight gradient only)");
        }
    }

    /** How one route did on the probes. */
    public record RouteResult(ConvRoute route, int probes, int wrong, double maxError, String worst) {
        public boolean passed() {
            return wrong == 0;
        }

        /** e.g. "DIRECT: 7 of 24 probes wrong (worst 3×24→32 16×16 k3 s1, relative error 1.4)". */
        public String describe() {
            String err = String.format(java.util.Locale.ROOT, "%.2g", maxError);
            return route.name() + ": " + (wrong == 0 ? "all " + probes + " probes right (max relative error " + err + ")"
                    : wrong + " of " + probes + " probes wrong (worst " + worst + ", relative error " + err + ")");
        }
    }

    /** The probes run on every machine. */
    public static final List<Probe> PROBES = List.of(
            // forward families: C_in above a block and not a multiple of it
            Probe.of(3, 24, 32, 16), Probe.of(3, 20, 32, 8), Probe.of(1, 40, 32, 32), Probe.of(2, 72, 64, 16),
            Probe.of(3, 12, 16, 16), Probe.of(2, 36, 24, 16),
            new Probe(3, 24, 24, 16, 3, 2, 1, true), new Probe(3, 40, 32, 16, 1, 1, 1, true),
            // strided backward-data: wrong for odd multiples of 16 too
            new Probe(3, 48, 32, 16, 3, 2, 1, true), new Probe(2, 80, 48, 16, 3, 2, 1, true),
            // backward-data families: C_out not a multiple of a block, input gradient wanted
            Probe.of(3, 32, 3, 16), Probe.of(3, 32, 4, 16), Probe.of(3, 8, 8, 8), Probe.of(3, 16, 24, 16),
            Probe.of(3, 64, 1, 16), new Probe(3, 1, 8, 8, 5, 1, 1, true),
            // weight gradient only (a first layer), grouped and depthwise
            new Probe(3, 3, 24, 16, 3, 1, 1, false), new Probe(3, 32, 32, 16, 3, 1, 4, true),
            new Probe(2, 3, 3, 32, 11, 1, 3, true),
            // what the shipped models use: RGB and latent in/out, 32…192 channels, 1×1 shortcuts
            Probe.of(2, 3, 32, 32), Probe.of(2, 4, 64, 16), Probe.of(2, 64, 64, 16), Probe.of(2, 96, 96, 16),
            Probe.of(2, 192, 96, 8), new Probe(2, 160, 96, 8, 1, 1, 1, true), new Probe(2, 64, 64, 16, 3, 2, 1, true));

    private SelfCheck() {
    }

    /** Tries each route in {@code routes} in order; the first that gets every probe right is chosen. */
    static List<RouteResult> tryRoutes(List<ConvRoute> routes) {
        List<RouteResult> tried = new ArrayList<>();
        boolean mkldnn = torch.globalContext().userEnabledMkldnn();
        try {
            for (ConvRoute route : routes) {
                torch.globalContext().setUserEnabledMkldnn(route != ConvRoute.NO_ONEDNN && mkldnn);
                RouteResult r = check(route, PROBES);
                tried.add(r);
                if (r.passed()) {
                    break;
                }
            }
        } finally {
            torch.globalContext().setUserEnabledMkldnn(mkldnn);
        }
        return tried;
    }

    /** Runs every probe along {@code route} (under the process's current oneDNN setting). */
    public static RouteResult check(ConvRoute route, List<Probe> probes) {
        int wrong = 0;
        double maxError = 0;
        String worst = "";
        for (int i = 0; i < probes.size(); i++) {
            double e = error(route, probes.get(i), 1000 + i);
            if (!(e <= TOLERANCE)) { // NaN counts as wrong
                wrong++;
            }
            if (!(e <= maxError)) {
                maxError = e;
                worst = probes.get(i).describe();
            }
        }
        return new RouteResult(route, probes.size(), wrong, maxError, worst);
    }

    /**
     * The largest relative error of the output, the input gradient and the weight gradient of {@code p} along
     * {@code route}, against float64; NaN when any is not finite.
     */
    public static double error(ConvRoute route, Probe p, long seed) {
        try (PointerScope scope = new PointerScope()) {
            Generator g = Tensors.generator(seed);
            int perGroup = p.cIn() / p.groups();
            Tensor x = Tensors.randn(g, p.batch(), p.cIn(), p.size(), p.size());
            Tensor w = Tensors.randn(g, p.cOut(), perGroup, p.kernel(), p.kernel())
                    .mul(Tensors.s(1 / Math.sqrt(perGroup * p.kernel() * p.kernel())));
            Tensor b = Tensors.randn(g, p.cOut());
            long[] stride = {p.stride(), p.stride()};
            long[] pad = {p.kernel() / 2, p.kernel() / 2};
            long[] dil = {1, 1};
            Tensor xf = x.clone().requires_grad_(p.inputGradient());
            Tensor wf = w.clone().requires_grad_(true);
            Tensor y = Convolution.conv2d(xf, wf, b, stride, pad, dil, p.groups(), route);
            Tensor xd = x.to(torch.ScalarType.Double).requires_grad_(p.inputGradient());
            Tensor wd = w.to(torch.ScalarType.Double).requires_grad_(true);
            Tensor yd = Convolution.direct(xd, wd, b.to(torch.ScalarType.Double), stride, pad, dil, p.groups());
            Tensor dy = Tensors.randn(g, Tensors.shape(yd));
            y.mul(dy).sum().backward();
            yd.mul(dy.to(torch.ScalarType.Double)).sum().backward();
            double e = Math.max(relative(y, yd), relative(wf.grad(), wd.grad()));
            return p.inputGradient() ? Math.max(e, relative(xf.grad(), xd.grad())) : e;
        }
    }

    /** max |a − ref| / max(1, max |ref|), NaN when {@code a} is not finite. */
    static double relative(Tensor a, Tensor ref) {
        double diff = torch.max(torch.abs(a.to(torch.ScalarType.Double).sub(ref))).item_double();
        double scale = Math.max(1, torch.max(torch.abs(ref)).item_double());
        return Double.isFinite(diff) ? diff / scale : Double.NaN;
    }
}
