/**
 * Retouch's neural-network building blocks: {@link dev.retouch.core.nn.Module} (a named tree of children,
 * parameters and buffers over bytedeco tensors, with strict state-dict loading) and the layers the models are made
 * of, each a thin wrapper over one functional libtorch op. Parameter names follow PyTorch/diffusers conventions.
 */
package dev.retouch.core.nn;
