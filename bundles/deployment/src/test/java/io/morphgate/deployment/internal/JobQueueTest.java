package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

class JobQueueTest {

    @Test
    void queuesUpToItsCapacityThenRefusesWithoutWaiting() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch secondRan = new CountDownLatch(1);
        try (JobQueue queue = new JobQueue(1)) {
            queue.submit(() -> {
                running.countDown();
                await(release);
            });
            assertTrue(running.await(5, TimeUnit.SECONDS));
            queue.submit(secondRan::countDown);
            assertEquals(1, queue.waiting());
            long start = System.nanoTime();
            DeploymentException busy = assertThrows(DeploymentException.class, () -> queue.submit(() -> { }));
            assertEquals(Code.BUSY, busy.code());
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "refused at once");
            release.countDown();
            assertTrue(secondRan.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void closingInterruptsTheRunningJob() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        JobQueue queue = new JobQueue(2);
        queue.submit(() -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
            }
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        queue.close();
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
        assertEquals(Code.BUSY, assertThrows(DeploymentException.class, () -> queue.submit(() -> { })).code());
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
