package io.morphgate.gateway;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.hivemq.embedded.EmbeddedHiveMQ;

/**
 * Ends the fixed 2 s quiet period of HiveMQ CE's stop. HiveMQ's {@code NettyShutdownHook} first closes the listeners
 * and every client connection and waits for that, then stops Netty's event loops with
 * {@code shutdownGracefully(2, 60, SECONDS)} and waits for them: a loop ends only after 2 s without a task, even with
 * nothing left to do (after a gateway's own clients have disconnected, nothing is), and that wait was most of a clean
 * gateway stop. No setting reaches that figure and Netty ignores a second, shorter request on a loop already shutting
 * down. So once HiveMQ has asked a loop to shut down (and set its 2 s), this class sets that loop's quiet period to 0;
 * the loop sees it at its next check (every 100 ms), runs what is still queued, and ends. No connection is cut that
 * HiveMQ had not already closed, and the rest of HiveMQ's stop (persistence, stores) runs as before.
 *
 * <p>None of this is exposed: HiveMQ's Guice injector ({@code EmbeddedHiveMQImpl.getInjector}, package-private), its
 * Netty configuration and Netty's {@code SingleThreadEventExecutor.gracefulShutdownQuietPeriod} are reached by
 * reflection, so that the launcher does not compile against HiveMQ's internals or its private dependencies. It is
 * pinned to HiveMQ CE 2025.5 (Netty 4.1.128) like the {@code InternalConfigurations} in {@link EmbeddedBroker}; if an
 * upgrade moves any of it, {@link #of} says so once and the broker stops HiveMQ's own, slower way
 * ({@code EmbeddedBrokerTest} then fails, so that an upgrade notices).
 */
final class NettyQuickStop {

    private static final Logger LOG = System.getLogger(NettyQuickStop.class.getName());

    private static final String GUICE_INJECTOR = "com.google.inject.Injector";
    private static final String NETTY_CONFIGURATION = "com.hivemq.bootstrap.netty.NettyConfiguration";
    private static final String SINGLE_THREAD_EXECUTOR = "io.netty.util.concurrent.SingleThreadEventExecutor";
    private static final long POLL_MILLIS = 5;

    /** Every event loop of HiveMQ's two groups (acceptors and connections). */
    private final List<Object> eventLoops;
    private final Method isShuttingDown;
    private final Field quietPeriodNanos;

    private NettyQuickStop(List<Object> eventLoops, Method isShuttingDown, Field quietPeriodNanos) {
        this.eventLoops = eventLoops;
        this.isShuttingDown = isShuttingDown;
        this.quietPeriodNanos = quietPeriodNanos;
    }

    /** The quick stop of a started broker, or empty (logged) when HiveMQ's internals are not where expected. */
    static Optional<NettyQuickStop> of(EmbeddedHiveMQ hive) {
        try {
            Method getInjector = hive.getClass().getDeclaredMethod("getInjector");
            getInjector.setAccessible(true);
            Object injector = getInjector.invoke(hive);
            if (injector == null) {
                throw new IllegalStateException("no injector: the broker is not running");
            }
            ClassLoader loader = hive.getClass().getClassLoader();
            Class<?> nettyConfiguration = Class.forName(NETTY_CONFIGURATION, false, loader);
            // through Guice's public interface: its implementation class is not public
            Object netty = Class.forName(GUICE_INJECTOR, false, loader).getMethod("getInstance", Class.class)
                    .invoke(injector, nettyConfiguration);
            Class<?> executorClass = Class.forName(SINGLE_THREAD_EXECUTOR, false, loader);
            List<Object> loops = new ArrayList<>();
            for (String group : List.of("getChildEventLoopGroup", "getParentEventLoopGroup")) {
                for (Object loop : (Iterable<?>) nettyConfiguration.getMethod(group).invoke(netty)) {
                    if (!executorClass.isInstance(loop)) {
                        throw new IllegalStateException("event loop " + loop.getClass().getName() + " is not a "
                                + SINGLE_THREAD_EXECUTOR);
                    }
                    loops.add(loop);
                }
            }
            Field quietPeriod = executorClass.getDeclaredField("gracefulShutdownQuietPeriod");
            quietPeriod.setAccessible(true);
            Method isShuttingDown = executorClass.getMethod("isShuttingDown");
            return Optional.of(new NettyQuickStop(loops, isShuttingDown, quietPeriod));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            Throwable cause = e instanceof InvocationTargetException && e.getCause() != null ? e.getCause() : e;
            LOG.log(Level.INFO, "the embedded MQTT broker will stop HiveMQ's own way, waiting its fixed 2 s quiet "
                    + "period (its internals are not where this release expects them: " + cause + ")");
            return Optional.empty();
        }
    }

    /**
     * While HiveMQ stops ({@code stopping} not done, at most timeoutMillis): sets the quiet period of each event loop
     * HiveMQ has asked to shut down to 0. Returns whether every loop's was.
     */
    boolean endQuietPeriod(Future<?> stopping, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Object> waiting = new ArrayList<>(eventLoops);
        try {
            while (!waiting.isEmpty() && !stopping.isDone() && System.nanoTime() < deadline) {
                for (var it = waiting.iterator(); it.hasNext(); ) {
                    Object loop = it.next();
                    // Netty marks the loop shutting down, then writes its quiet period: wait for both
                    if ((Boolean) isShuttingDown.invoke(loop) && quietPeriodNanos.getLong(loop) > 0) {
                        quietPeriodNanos.setLong(loop, 0);
                        it.remove();
                    }
                }
                if (!waiting.isEmpty()) {
                    Thread.sleep(POLL_MILLIS);
                }
            }
        } catch (ReflectiveOperationException e) {
            LOG.log(Level.WARNING, "could not end the embedded MQTT broker's quiet period: " + e);
            return false;
        }
        return waiting.isEmpty();
    }
}
