package dev.retouch.server;

import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.StepListener;

import java.util.Map;

/**
 * A validated request, ready to run on a worker: the method, its parameters as the result PNG records them, and the
 * edit itself (progress and cancellation through the listener).
 */
record Task(String method, Map<String, String> parameters, Work work) {
    /** The edit of a task. */
    @FunctionalInterface
    interface Work {
        RgbImage run(StepListener listener);
    }
}
