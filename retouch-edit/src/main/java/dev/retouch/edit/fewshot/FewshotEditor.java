package dev.retouch.edit.fewshot;

import dev.retouch.core.progress.StepListener;
import dev.retouch.edit.Editor;

/** A learned effect (paper 000) behind the editor contract: {@link Effect#edit} with progress and cancellation. */
public final class FewshotEditor implements Editor<FewshotRequest, FewshotResult> {
    private final Effect effect;

    public FewshotEditor(Effect effect) {
        this.effect = effect;
    }

    @Override
    public String method() {
        return "fewshot";
    }

    public Effect effect() {
        return effect;
    }

    @Override
    public FewshotResult edit(FewshotRequest request, StepListener listener) {
        return effect.edit(request, listener);
    }
}
