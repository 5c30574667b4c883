/**
 * The editing methods and their baselines behind one contract. {@link dev.retouch.edit.Editor}: a typed request
 * record ({@link dev.retouch.edit.EditRequest}, defaults in the record's {@code of(...)}) in, a typed result record
 * ({@link dev.retouch.edit.EditResult}: heap image, wall time, the method's extras) out, progress and cancellation
 * through a {@code StepListener}; each editor owns its native memory and releases it before returning, also on
 * failure or cancellation. {@link dev.retouch.edit.ModelStore} resolves model names to directories and loads each
 * model once for all threads; {@link dev.retouch.edit.Retouch} is the front door (store + one method per editor).
 *
 * <p>Methods, each in its own sub-package with a package-info mapping the code to its paper:
 * {@link dev.retouch.edit.pixelguide} (paper 004), {@link dev.retouch.edit.sine} (paper 001),
 * {@link dev.retouch.edit.fewshot} (paper 000); the baselines (SDEdit, img2img, text-to-image) in
 * {@link dev.retouch.edit.baseline}. Methods never reach into each other's packages; shared pieces live in
 * {@code retouch-diffusion} or below.
 */
package dev.retouch.edit;
