package io.morphgate.mqtt.client;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttAsyncClient;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * The first connect, retried with exponential backoff (1 s doubling to 60 s) until it succeeds or the link closes:
 * Paho's automatic reconnect takes over only after a first successful connect. Never blocks the caller. For the
 * first minute, a broker that refuses connections (nothing listens yet) is retried every half second instead: the
 * embedded broker starts alongside the framework, and the link should connect as soon as it listens.
 */
public final class Connector {

    public static final long MAX_BACKOFF_MILLIS = 60_000;
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    /** How long after {@link #start()} a refused connect is taken for a broker still starting. */
    static final long BROKER_STARTING_MILLIS = 60_000;
    static final long BROKER_STARTING_RETRY_MILLIS = 500;
    /** How long {@link #close()} waits for an attempt under way (a refused connect ends at once). */
    static final long CLOSE_WAIT_MILLIS = 5_000;
    private static final System.Logger LOG = System.getLogger(Connector.class.getName());

    private final IMqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ScheduledExecutorService scheduler;
    private final String link;
    private volatile boolean closed;
    private volatile long startedNanos;
    private IMqttToken attempt;
    private volatile boolean refusedBefore;

    /** {@code link} names the link in the log ("control link", "inference over MQTT"). */
    public Connector(IMqttAsyncClient client, MqttConnectOptions options, ScheduledExecutorService scheduler,
            String link) {
        this.client = client;
        this.options = options;
        this.scheduler = scheduler;
        this.link = link;
    }

    /** Connects in the background; returns at once. */
    public void start() {
        startedNanos = System.nanoTime();
        connect(FIRST_BACKOFF_MILLIS);
    }

    /**
     * No more attempts, and waits for an attempt under way to end: Paho refuses to close a client that is connecting,
     * and a connect completing after this would leave a connection behind a stopped bundle, and Paho's reconnect
     * timer, which fails with NoClassDefFoundError once the bundle's class loader is gone. Disconnect the client
     * (if connected) and close it after this.
     */
    public synchronized void close() {
        closed = true;
        if (attempt != null && !attempt.isComplete()) {
            try {
                attempt.waitForCompletion(CLOSE_WAIT_MILLIS);
            } catch (MqttException e) {
                LOG.log(Level.DEBUG, "{0}: the last connect attempt ended with {1}", link, e);
            }
        }
    }

    private synchronized void connect(long backoffMillis) {
        if (closed) {
            return;
        }
        try {
            attempt = client.connect(options, null, new IMqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    LOG.log(Level.INFO, "{0}: connected to {1} as {2}", link, client.getServerURI(),
                            client.getClientId());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    retry(backoffMillis, e);
                }
            });
        } catch (MqttException e) {
            retry(backoffMillis, e);
        }
    }

    private void retry(long backoffMillis, Throwable e) {
        if (closed) {
            return;
        }
        boolean starting = refused(e)
                && System.nanoTime() - startedNanos < TimeUnit.MILLISECONDS.toNanos(BROKER_STARTING_MILLIS);
        long waitMillis = starting ? BROKER_STARTING_RETRY_MILLIS : backoffMillis;
        long nextBackoff = starting ? backoffMillis : next(backoffMillis);
        if (!starting) {
            LOG.log(Level.WARNING, "{0}: cannot connect to {1}: {2}; retrying in {3} s", link, client.getServerURI(),
                    e, backoffMillis / 1000);
        } else if (!refusedBefore) {
            refusedBefore = true;
            LOG.log(Level.INFO, "{0}: nothing listens on {1} yet; retrying every {2} ms", link, client.getServerURI(),
                    BROKER_STARTING_RETRY_MILLIS);
        }
        try {
            scheduler.schedule(() -> connect(nextBackoff), waitMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the link is closing: its scheduler no longer takes work
        }
    }

    /** Whether nothing listened: a ConnectException anywhere in the chain (Paho wraps it once or twice). */
    static boolean refused(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    /** The wait after {@code backoffMillis}: twice as long, at most {@link #MAX_BACKOFF_MILLIS}. */
    static long next(long backoffMillis) {
        return Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
    }
}
