package dev.retouch.edit.fewshot;

import dev.retouch.core.tensor.Tensors;
import org.bytedeco.pytorch.Tensor;

/**
 * M_x's output f_x = [F, C] (paper §3.2): the flow F (B, 2, H, W) and the colour affine C (B, 2, H, W) = (C₁, C₂)
 * that turn x_i into x̂_j = T_c(T_s(x_i)) (Eq. 3). See {@link Warp} for the conventions.
 */
public record FlowField(Tensor flow, Tensor colour) {

    /** x̂_j = T_c(T_s(x_i)). */
    public Tensor apply(Tensor xi) {
        return Warp.apply(xi, flow, colour);
    }

    /** [F, C₁ − 1, C₂] (B, 4, H, W): the field as M_e sees it, zero for the identity transformation. */
    public Tensor features() {
        return Tensors.cat(1, flow, colour.narrow(1, 0, 1).sub(Tensors.s(1)), colour.narrow(1, 1, 1));
    }
}
