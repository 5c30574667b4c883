package dev.retouch.diffusion.clip;

import dev.retouch.core.nn.Module;
import org.bytedeco.pytorch.Tensor;

/** A module that only names its children and parameters (transformers' {@code embeddings}, {@code encoder}, {@code mlp}). */
final class Container extends Module {
    <M extends Module> M add(String name, M module) {
        return child(name, module);
    }

    Tensor param(String name, Tensor value) {
        return parameter(name, value);
    }
}
