package io.morphgate.deployment.internal;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

/**
 * One worker runs jobs one at a time; up to {@code capacity} wait behind it, more are refused with BUSY at once, so a
 * second request never hangs behind the first. Owned by the component and closed when it deactivates.
 */
final class JobQueue implements AutoCloseable {

    private final ThreadPoolExecutor worker;
    private final int capacity;

    JobQueue(int capacity) {
        this.capacity = capacity;
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(Math.max(1, capacity)),
                r -> {
                    Thread t = new Thread(r, "morphgate-deployment");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Queues {@code job}; BUSY when {@code capacity} jobs already wait. */
    void submit(Runnable job) throws DeploymentException {
        try {
            worker.execute(job);
        } catch (RejectedExecutionException e) {
            throw new DeploymentException(Code.BUSY, worker.isShutdown() ? "the deployer is stopping"
                    : "a job is running and " + capacity + " are waiting (queueCapacity); try again later");
        }
    }

    /** Jobs waiting, not counting the one running. */
    int waiting() {
        return worker.getQueue().size();
    }

    /** Stops taking jobs, interrupts the running one and waits briefly for it to end. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
