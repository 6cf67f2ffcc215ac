package io.morphgate.mqtt.client;

import java.lang.System.Logger.Level;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.IMqttActionListener;
import org.eclipse.paho.client.mqttv3.IMqttAsyncClient;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * The first connect, retried with exponential backoff (1 s doubling to 60 s) until it succeeds or the link closes:
 * Paho's automatic reconnect takes over only after a first successful connect. Never blocks the caller.
 */
public final class Connector {

    public static final long MAX_BACKOFF_MILLIS = 60_000;
    static final long FIRST_BACKOFF_MILLIS = 1_000;
    private static final System.Logger LOG = System.getLogger(Connector.class.getName());

    private final IMqttAsyncClient client;
    private final MqttConnectOptions options;
    private final ScheduledExecutorService scheduler;
    private final String link;
    private volatile boolean closed;

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
        connect(FIRST_BACKOFF_MILLIS);
    }

    /** No more attempts (a connect under way may still complete: disconnect the client after this). */
    public void close() {
        closed = true;
    }

    private void connect(long backoffMillis) {
        if (closed) {
            return;
        }
        try {
            client.connect(options, null, new IMqttActionListener() {
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
        LOG.log(Level.WARNING, "{0}: cannot connect to {1}: {2}; retrying in {3} s", link, client.getServerURI(), e,
                backoffMillis / 1000);
        try {
            scheduler.schedule(() -> connect(next(backoffMillis)), backoffMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // the link is closing: its scheduler no longer takes work
        }
    }

    /** The wait after {@code backoffMillis}: twice as long, at most {@link #MAX_BACKOFF_MILLIS}. */
    static long next(long backoffMillis) {
        return Math.min(backoffMillis * 2, MAX_BACKOFF_MILLIS);
    }
}
