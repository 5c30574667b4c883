package dev.retouch.server;

import dev.retouch.core.image.Images;
import dev.retouch.core.image.RgbImage;
import dev.retouch.core.progress.CancelledException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs jobs on a bounded pool: {@code workers} threads and at most {@code queue} waiting jobs; a submission beyond
 * that is refused ({@link QueueFullException}, HTTP 429). Finished jobs are kept for {@code keep} jobs and
 * {@code keepSeconds}, whichever bound is reached first, so memory cannot grow without limit.
 */
final class JobManager implements AutoCloseable {
    /** The pool and the queue are full. */
    static final class QueueFullException extends RuntimeException {
        QueueFullException(String message) {
            super(message);
        }
    }

    /** The server is stopping and takes no new jobs. */
    static final class ShuttingDownException extends RuntimeException {
        ShuttingDownException() {
            super("the server is stopping: no new jobs");
        }
    }

    private final ThreadPoolExecutor pool;
    private final int keep;
    private final long keepMillis;
    private final Function<RgbImage, String> judge;
    private final Map<String, Job> jobs = new LinkedHashMap<>();

    /**
     * @param judge the judge's label of a result (null: none)
     */
    JobManager(int workers, int queue, int keep, long keepSeconds, Function<RgbImage, String> judge) {
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, "retouch-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.keep = keep;
        this.keepMillis = keepSeconds * 1000;
        this.judge = judge;
    }

    /** Queues a task; refused with {@link QueueFullException} when the pool and the queue are full. */
    Job submit(Task task) {
        Job job = new Job(UUID.randomUUID().toString(), task.method(), task.parameters());
        synchronized (jobs) {
            prune();
            jobs.put(job.id, job);
        }
        try {
            pool.execute(() -> run(job, task));
        } catch (RejectedExecutionException e) {
            synchronized (jobs) {
                jobs.remove(job.id);
            }
            if (pool.isShutdown()) {
                throw new ShuttingDownException();
            }
            throw new QueueFullException("the queue is full (" + pool.getQueue().size() + " waiting, "
                    + pool.getMaximumPoolSize() + " running): try again later");
        }
        return job;
    }

    private void run(Job job, Task task) {
        if (!job.start()) {
            return; // cancelled while queued
        }
        try {
            RgbImage image = task.work().run((step, total, metric) -> {
                job.progress(step, total);
                return !job.cancelRequested();
            });
            if (job.cancelRequested()) {
                job.end(Job.Status.CANCELLED, null);
                return;
            }
            job.done(png(image, task.parameters()), judge == null ? null : judge.apply(image));
        } catch (CancelledException e) {
            job.end(Job.Status.CANCELLED, null);
        } catch (RuntimeException | OutOfMemoryError e) {
            String m = e.getMessage();
            job.end(Job.Status.FAILED, m == null ? e.getClass().getSimpleName() : m);
        }
    }

    /** The PNG bytes of a result, with its parameters as text chunks ("retouch.NAME"). */
    static byte[] png(RgbImage image, Map<String, String> parameters) {
        Map<String, String> chunks = new LinkedHashMap<>();
        chunks.put("Software", "retouch 0.1.0");
        parameters.forEach((k, v) -> chunks.put("retouch." + k, v));
        try {
            Path f = Files.createTempFile("retouch-result", ".png");
            try {
                Images.writePng(f, image, chunks);
                return Files.readAllBytes(f);
            } finally {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the result PNG: " + e.getMessage(), e);
        }
    }

    Optional<Job> get(String id) {
        synchronized (jobs) {
            return Optional.ofNullable(jobs.get(id));
        }
    }

    /** Cancels a job; empty when there is none with this id. */
    Optional<Job> cancel(String id) {
        Optional<Job> job = get(id);
        job.ifPresent(Job::requestCancel);
        return job;
    }

    /** Jobs not yet final. */
    int active() {
        synchronized (jobs) {
            return (int) jobs.values().stream().filter(j -> !j.status().isFinal()).count();
        }
    }

    /** Drops finished jobs beyond the count bound or older than the age bound (oldest first). */
    private void prune() {
        long now = System.currentTimeMillis();
        List<String> finished = new ArrayList<>();
        jobs.forEach((id, j) -> {
            if (j.status().isFinal()) {
                finished.add(id);
            }
        });
        int excess = finished.size() - keep;
        for (String id : finished) {
            Job j = jobs.get(id);
            if (excess > 0 || now - j.finishedMillis() > keepMillis) {
                jobs.remove(id);
                excess--;
            }
        }
    }

    /** Graceful shutdown: no new jobs, queued and running ones cancelled, waits up to {@code seconds} for workers. */
    void shutdown(long seconds) {
        pool.shutdown();
        synchronized (jobs) {
            jobs.values().forEach(Job::requestCancel);
        }
        try {
            if (!pool.awaitTermination(seconds, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pool.shutdownNow();
        }
    }

    @Override
    public void close() {
        shutdown(30);
    }
}
