package dev.retouch.edit;

import dev.retouch.core.progress.CancelledException;
import dev.retouch.core.progress.StepListener;

/**
 * One editing method over loaded models: a typed request in, a typed result out, progress and cancellation through
 * a {@link StepListener}. Every method (pixelguide, sine, fewshot and the SDEdit / img2img / text-to-image
 * baselines) implements it, so the CLI, the server and a library user call them the same way.
 *
 * <p>The contract:
 * <ul>
 *   <li><b>Memory.</b> {@link #edit} runs inside its own pointer scope and grad mode and releases every native
 *       object it made before it returns, also when it fails or is cancelled; results hold heap images only.</li>
 *   <li><b>Threads.</b> An editor holds loaded, immutable models and no per-run state: two threads may call
 *       {@link #edit} on one editor (or on editors sharing models) at once and get the results they would get one
 *       after the other.</li>
 *   <li><b>Randomness.</b> Every draw comes from the request's seed: the same request gives the same image on the
 *       same machine.</li>
 *   <li><b>Input.</b> A bad request fails with one {@link dev.retouch.core.RetouchException} naming the
 *       problem, before any denoising step.</li>
 * </ul>
 *
 * @param <Q> the request record
 * @param <R> the result record
 */
public interface Editor<Q extends EditRequest, R extends EditResult> {
    /** The method's name as the CLI and the HTTP API spell it, e.g. {@code "sdedit"}. */
    String method();

    /**
     * Runs one request.
     *
     * @param listener told after every denoising step; returning false cancels the run
     * @throws CancelledException when the listener cancels
     */
    R edit(Q request, StepListener listener);

    /** {@link #edit(EditRequest, StepListener)} without progress. */
    default R edit(Q request) {
        return edit(request, StepListener.NONE);
    }
}
