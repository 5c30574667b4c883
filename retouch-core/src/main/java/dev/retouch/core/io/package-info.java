/**
 * Files: the safetensors format ({@link dev.retouch.core.io.Safetensors}: a strict reader with the reference
 * implementation's checks, windowed so files over 2 GB work, and a writer matching the reference byte for byte),
 * model directories ({@link dev.retouch.core.io.ModelDirectory}: config.json + model.safetensors +
 * MODEL_CARD.md), strict JSON for config records ({@link dev.retouch.core.io.Json}) and crash-safe writes
 * ({@link dev.retouch.core.io.AtomicFiles}: temporary file, then atomic rename).
 * The header layer ({@link dev.retouch.core.io.SafetensorsHeader}, {@link dev.retouch.core.io.TensorInfo},
 * {@link dev.retouch.core.io.DType}) needs no libtorch natives; loading and saving tensors does.
 */
package dev.retouch.core.io;
