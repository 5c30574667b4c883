package dev.retouch.diffusion.pipeline;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

import java.util.Arrays;
import java.util.List;

/**
 * Nested classifier-free guidance over K conditions (Ho &amp; Salimans 2022; InstructPix2Pix, Brooks et al. 2023,
 * Eq. 3, generalised): with ε_0 = ε(x, ∅) and ε_i = ε(x, c_1 … c_i) the prediction under the first i conditions,
 * <pre>  ε̃ = ε_0 + Σ_{i=1..K} w_i · (ε_i − ε_{i−1}).</pre>
 * K = 1 is ordinary classifier-free guidance ε̃ = ε_u + g·(ε_c − ε_u). The sum telescopes into the linear form
 * ε̃ = Σ_j a_j·ε_j with a_0 = 1 − w_1, a_i = w_i − w_{i+1} (w_{K+1} = 0), so a branch whose coefficient is 0 need not
 * be evaluated: g = 1 needs only the conditional branch and g = 0 only the unconditional one. Immutable.
 */
public final class Guidance {
    private final double[] weights;
    private final double[] coefficients;

    private Guidance(double[] weights) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("guidance needs at least one condition weight");
        }
        for (double w : weights) {
            if (!Double.isFinite(w)) {
                throw new IllegalArgumentException("guidance weights must be finite, got " + Arrays.toString(weights));
            }
        }
        this.weights = weights.clone();
        this.coefficients = new double[weights.length + 1];
        coefficients[0] = 1 - weights[0];
        for (int i = 1; i <= weights.length; i++) {
            coefficients[i] = weights[i - 1] - (i < weights.length ? weights[i] : 0);
        }
    }

    /** Classifier-free guidance with scale g ≥ 0: ε_u + g·(ε_c − ε_u). */
    public static Guidance classifierFree(double scale) {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("guidance scale must be a finite number >= 0, got " + scale);
        }
        return new Guidance(new double[]{scale});
    }

    /** Nested guidance with weights w_1 … w_K for the conditions c_1 … c_K, in nesting order. */
    public static Guidance nested(double... weights) {
        return new Guidance(weights);
    }

    /** K, the number of conditions; predictions come in K + 1 branches. */
    public int conditions() {
        return weights.length;
    }

    public double[] weights() {
        return weights.clone();
    }

    /** a_0 … a_K of the linear form ε̃ = Σ a_j·ε_j. */
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** The branches j (0 = unconditional) whose coefficient is not 0, ascending; never empty (Σ a_j = 1). */
    public int[] needed() {
        return java.util.stream.IntStream.range(0, coefficients.length).filter(j -> coefficients[j] != 0).toArray();
    }

    /** ε̃ from all K + 1 predictions ε_0 … ε_K (same shapes). */
    public Tensor combine(List<Tensor> predictions) {
        if (predictions.size() != coefficients.length) {
            throw new IllegalArgumentException("guidance over " + weights.length + " condition(s) needs "
                    + coefficients.length + " predictions, got " + predictions.size());
        }
        return combineNeeded(Arrays.stream(needed()).mapToObj(predictions::get).toList());
    }

    /** ε̃ from the predictions of the {@link #needed()} branches only, in that order. */
    public Tensor combineNeeded(List<Tensor> predictions) {
        int[] idx = needed();
        if (predictions.size() != idx.length) {
            throw new IllegalArgumentException("expected the " + idx.length + " needed predictions, got "
                    + predictions.size());
        }
        Tensor sum = predictions.get(0).mul(Tensors.s(coefficients[idx[0]]));
        for (int k = 1; k < idx.length; k++) {
            sum = sum.add(predictions.get(k).mul(Tensors.s(coefficients[idx[k]])));
        }
        return sum;
    }

    @Override
    public String toString() {
        return "Guidance" + Arrays.toString(weights);
    }
}
