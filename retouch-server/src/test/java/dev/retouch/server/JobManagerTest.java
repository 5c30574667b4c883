package dev.retouch.server;

import dev.retouch.core.image.RgbImage;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobManagerTest {
    private static Task task(long millis) {
        return new Task("test", Map.of(), l -> {
            for (int s = 1; s <= 10; s++) {
                try {
                    Thread.sleep(millis / 10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (!l.onStep(s, 10, 0)) {
                    throw new dev.retouch.core.progress.CancelledException(s, 10);
                }
            }
            return new RgbImage(2, 2, new float[12]);
        });
    }

    @Test
    void finishedJobsAreKeptWithinTheCountBoundAndAStoppedManagerRefusesWith503() throws Exception {
        JobManager jobs = new JobManager(1, 8, 2, 3600, null);
        Job first = jobs.submit(task(10));
        for (long end = System.currentTimeMillis() + 10_000; !first.status().isFinal(); Thread.sleep(5)) {
            assertTrue(System.currentTimeMillis() < end);
        }
        assertEquals(Job.Status.DONE, first.status());
        assertTrue(first.png().length > 0);
        Job second = jobs.submit(task(10));
        Job third = jobs.submit(task(10));
        for (long end = System.currentTimeMillis() + 10_000; !third.status().isFinal(); Thread.sleep(5)) {
            assertTrue(System.currentTimeMillis() < end);
        }
        jobs.submit(task(10)); // the fourth submission prunes: at most 2 finished jobs are kept
        assertTrue(jobs.get(first.id).isEmpty(), "the oldest finished job is dropped");
        assertTrue(jobs.get(third.id).isPresent());
        jobs.shutdown(10);
        assertThrows(JobManager.ShuttingDownException.class, () -> jobs.submit(task(10)));
        assertEquals(Job.Status.DONE, second.status());
    }
}
