package dev.retouch.core.nn;

import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.GeneratorOptional;
import org.bytedeco.pytorch.Tensor;

/** Parameter initialisations, each drawing from an explicit generator. Call under {@code NoGradGuard}. */
public final class Init {
    private Init() {
    }

    /** U(−bound, bound). */
    public static void uniform(Tensor t, double bound, Generator gen) {
        t.uniform_(-bound, bound, new GeneratorOptional(gen));
    }

    /** N(0, std²). */
    public static void normal(Tensor t, double std, Generator gen) {
        t.normal_(0.0, std, new GeneratorOptional(gen));
    }

    /** PyTorch's default for Linear/Conv weights: kaiming_uniform(a=√5), i.e. U(±1/√fanIn). */
    public static void torchDefault(Tensor t, long fanIn, Generator gen) {
        uniform(t, 1.0 / Math.sqrt(fanIn), gen);
    }

    /** Xavier/Glorot uniform: U(±√(6/(fanIn+fanOut))). */
    public static void xavierUniform(Tensor t, long fanIn, long fanOut, Generator gen) {
        uniform(t, Math.sqrt(6.0 / (fanIn + fanOut)), gen);
    }

    public static void zeros(Tensor t) {
        t.zero_();
    }

    public static void ones(Tensor t) {
        t.fill_(new org.bytedeco.pytorch.Scalar(1.0));
    }
}
