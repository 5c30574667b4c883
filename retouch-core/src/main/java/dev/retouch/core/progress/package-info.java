/** Progress reporting and cancellation for long work: {@link dev.retouch.core.progress.StepListener} and a text bar. */
package dev.retouch.core.progress;
