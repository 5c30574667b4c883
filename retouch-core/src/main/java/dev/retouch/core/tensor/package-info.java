/** Helpers over bytedeco {@code Tensor}s: creation from Java arrays, read-back, seeded noise, scope management. */
package dev.retouch.core.tensor;
