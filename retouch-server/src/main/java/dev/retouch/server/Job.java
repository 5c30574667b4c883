package dev.retouch.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** One submitted job: its state, progress, result PNG and the watchers of its event stream. Thread-safe. */
final class Job {
    /** Where a job is; the last three are final. */
    enum Status {
        QUEUED, RUNNING, DONE, FAILED, CANCELLED;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        boolean isFinal() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    final String id;
    final String method;
    final Map<String, String> parameters;
    final long createdMillis = System.currentTimeMillis();
    private final AtomicBoolean cancel = new AtomicBoolean();
    private final List<Consumer<Job>> watchers = new CopyOnWriteArrayList<>();
    private Status status = Status.QUEUED;
    private long step;
    private long steps;
    private String error;
    private String label;
    private byte[] png;
    private long finishedMillis;

    Job(String id, String method, Map<String, String> parameters) {
        this.id = id;
        this.method = method;
        this.parameters = Map.copyOf(parameters);
    }

    synchronized Status status() {
        return status;
    }

    synchronized byte[] png() {
        return png;
    }

    synchronized long finishedMillis() {
        return finishedMillis;
    }

    boolean cancelRequested() {
        return cancel.get();
    }

    /** Asks the job to stop: a queued job ends cancelled at once, a running one at its next step. */
    void requestCancel() {
        cancel.set(true);
        boolean changed;
        synchronized (this) {
            changed = status == Status.QUEUED;
            if (changed) {
                finish(Status.CANCELLED, null);
            }
        }
        if (changed) {
            notifyWatchers();
        }
    }

    /** Marks the job running; false when it was cancelled while queued. */
    boolean start() {
        synchronized (this) {
            if (status != Status.QUEUED) {
                return false;
            }
            status = Status.RUNNING;
        }
        notifyWatchers();
        return true;
    }

    void progress(long step, long steps) {
        synchronized (this) {
            this.step = step;
            this.steps = steps;
        }
        notifyWatchers();
    }

    void done(byte[] png, String label) {
        synchronized (this) {
            this.png = png;
            this.label = label;
            finish(Status.DONE, null);
        }
        notifyWatchers();
    }

    void end(Status status, String error) {
        synchronized (this) {
            if (this.status.isFinal()) {
                return;
            }
            finish(status, error);
        }
        notifyWatchers();
    }

    private void finish(Status s, String message) {
        status = s;
        error = message;
        finishedMillis = System.currentTimeMillis();
    }

    /** Calls {@code watcher} now and after every change until it is removed. */
    void watch(Consumer<Job> watcher) {
        watchers.add(watcher);
        watcher.accept(this);
    }

    void unwatch(Consumer<Job> watcher) {
        watchers.remove(watcher);
    }

    private void notifyWatchers() {
        for (Consumer<Job> w : watchers) {
            w.accept(this);
        }
    }

    /** The job as the API shows it. */
    synchronized Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("method", method);
        m.put("status", status.label());
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("step", step);
        p.put("steps", steps);
        m.put("progress", p);
        m.put("parameters", parameters);
        if (error != null) {
            m.put("error", error);
        }
        if (label != null) {
            m.put("judge", label);
        }
        if (status == Status.DONE) {
            m.put("result", "/api/jobs/" + id + "/result.png");
        }
        return m;
    }
}
