package dev.retouch.core.progress;

import dev.retouch.core.RetouchException;

/**
 * A long run stopped because its {@link StepListener} returned false. Whatever the run had allocated is released
 * before this is thrown; nothing was written.
 */
public class CancelledException extends RetouchException {
    private final long step;
    private final long total;

    public CancelledException(long step, long total) {
        super("cancelled after step " + step + " of " + total);
        this.step = step;
        this.total = total;
    }

    /** Steps done when the run stopped. */
    public long step() {
        return step;
    }

    /** Steps the run would have taken. */
    public long total() {
        return total;
    }
}
