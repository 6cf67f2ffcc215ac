package io.morphgate.gateway;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.migration.meta.PersistenceType;

/**
 * The MQTT broker a gateway runs when no external one is configured: HiveMQ Community Edition (embedded, MQTT 3.1,
 * 3.1.1 and 5) on the launcher's class path, started while the framework starts (the MQTT links retry their first
 * connect until it listens; "ready" waits for it) and stopped after the framework, so the control bundle's last
 * publications still go out. Sessions, queued QoS 1/2 messages and retained messages persist under the given folder.
 * Anonymous clients are accepted (HiveMQ's embedded default when no security extension is present), which is why
 * BrokerSettings lets it listen on loopback only.
 *
 * <p>Layout of the folder: {@code conf/config.xml} (written from the settings on every start), {@code data/}
 * (HiveMQ's persistence) and {@code extensions/} (empty: the gateway installs no HiveMQ extensions).
 */
final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = System.getLogger(EmbeddedBroker.class.getName());

    private static final long START_TIMEOUT_SECONDS = 60;
    private static final long STOP_TIMEOUT_SECONDS = 30;

    /**
     * Number of persistence buckets per store. HiveMQ's default (64) suits a server with thousands of clients; a
     * gateway has two or three. The number is part of the on-disk layout: data written with one count is not read
     * with another, so it must not change between releases without a migration.
     */
    static final int PERSISTENCE_BUCKETS = 1;

    /**
     * How long HiveMQ's persistence accepts writes once its shutdown began, before it closes its stores (HiveMQ's
     * default: 2000 ms, all of it waited at every stop). The launcher stops the broker after the framework, when
     * the gateway's clients have disconnected, and HiveMQ closes every connection before its persistence: no write
     * is left to wait for.
     */
    static final int PERSISTENCE_SHUTDOWN_GRACE_MILLIS = 100;

    /** Where the Moquette 0.17 broker of earlier releases kept its state, in the same folder. */
    private static final String MOQUETTE_STORE = "moquette_store.h2";

    private final EmbeddedHiveMQ hive;
    private final String host;
    private final int port;
    private final CompletableFuture<Void> started;
    private boolean running;
    private boolean closed;
    private NettyQuickStop quickStop;
    private boolean quietPeriodEnded;

    private EmbeddedBroker(EmbeddedHiveMQ hive, String host, int port, CompletableFuture<Void> started) {
        this.hive = hive;
        this.host = host;
        this.port = port;
        this.started = started;
    }

    /** Starts a broker on settings.host():settings.port() (0: any free port) and waits until it listens. */
    static EmbeddedBroker start(BrokerSettings settings, Path dir) throws IOException {
        EmbeddedBroker broker = startInBackground(settings, dir);
        broker.awaitStarted();
        return broker;
    }

    /**
     * Starts a broker on HiveMQ's own thread and returns at once: its port and URL are known now, it listens once
     * {@link #awaitStarted()} returns. The launcher starts the framework meanwhile (the MQTT links retry their first
     * connect), which saves most of the broker's start time.
     */
    static EmbeddedBroker startInBackground(BrokerSettings settings, Path dir) throws IOException {
        int port = settings.port() != 0 ? settings.port() : freePort(settings.host());
        if (Files.exists(dir.resolve(MOQUETTE_STORE))) {
            LOG.log(Level.WARNING, dir.resolve(MOQUETTE_STORE) + " is left from the Moquette broker of earlier "
                    + "releases and is not read: messages queued in it are not delivered; delete it once noted");
        }
        Path conf = Files.createDirectories(dir.resolve("conf"));
        Path data = Files.createDirectories(dir.resolve("data"));
        Path extensions = Files.createDirectories(dir.resolve("extensions"));
        Files.writeString(conf.resolve("config.xml"), config(settings, port), StandardCharsets.UTF_8);
        tunePersistence();
        EmbeddedHiveMQ hive = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(data)
                .withExtensionsFolder(extensions)
                // its logging goes through SLF4J to java.util.logging like everything else; no Logback
                .withoutLoggingBootstrap()
                .build();
        return new EmbeddedBroker(hive, settings.host(), port, hive.start());
    }

    /**
     * Waits until the broker listens; on a failure it is closed and the exception says why. Idempotent. The lock is
     * not held while waiting, so close() (the shutdown hook) is never held up by a start.
     */
    void awaitStarted() throws IOException {
        try {
            started.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | CancellationException e) {
            abandon();
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new IOException("cannot start the embedded MQTT broker on " + host + ":" + port + " ("
                    + cause.getMessage() + "; port in use? pass --broker-port, or broker.mode=external in "
                    + "conf/broker.properties)", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abandon();
            throw new IOException("interrupted while the embedded MQTT broker was starting", e);
        }
        synchronized (this) {
            if (closed) {
                throw new IOException("the embedded MQTT broker was closed while it started");
            }
            if (!running) {
                running = true;
                quickStop = NettyQuickStop.of(hive).orElse(null);
                LOG.log(Level.INFO, "embedded MQTT broker listening on " + host + ":" + port);
            }
        }
    }

    /** After a failed start: releases what HiveMQ holds, without stopping what never ran. */
    private synchronized void abandon() {
        if (!closed) {
            closed = true;
            closeQuietly(hive);
        }
    }

    /** HiveMQ's config.xml for these settings and this port. */
    static String config(BrokerSettings settings, int port) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- written by the Morphgate launcher from conf/broker.properties on every start: edit that file -->
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>%s</bind-address>
                    </tcp-listener>
                  </listeners>
                  <mqtt>
                    <packets>
                      <max-packet-size>%d</max-packet-size>
                    </packets>
                  </mqtt>
                  <persistence>
                    <mode>file</mode>
                  </persistence>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port, settings.host(), settings.maxMessageBytes());
    }

    /**
     * HiveMQ's process-wide persistence settings (static, read when a broker starts): every store in Xodus (pure
     * Java) rather than RocksDB for payloads and retained messages, so no native library is unpacked and loaded,
     * one bucket per store (see {@link #PERSISTENCE_BUCKETS}), and a short shutdown grace period (see
     * {@link #PERSISTENCE_SHUTDOWN_GRACE_MILLIS}). The RocksDB jar stays on the class path only because HiveMQ's
     * configuration class refers to its types.
     */
    private static void tunePersistence() {
        InternalConfigurations.PAYLOAD_PERSISTENCE_TYPE.set(PersistenceType.FILE);
        InternalConfigurations.RETAINED_MESSAGE_PERSISTENCE_TYPE.set(PersistenceType.FILE);
        InternalConfigurations.PERSISTENCE_BUCKET_COUNT.set(PERSISTENCE_BUCKETS);
        InternalConfigurations.PAYLOAD_PERSISTENCE_BUCKET_COUNT.set(PERSISTENCE_BUCKETS);
        InternalConfigurations.PERSISTENCE_SHUTDOWN_GRACE_PERIOD_MSEC.set(PERSISTENCE_SHUTDOWN_GRACE_MILLIS);
    }

    /** A port that was free a moment ago (HiveMQ cannot listen on port 0 and report the port it got). */
    private static int freePort(String host) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return s.getLocalPort();
        }
    }

    /** Whether the last stop ended Netty's quiet period early (false before a stop, or when HiveMQ moved it). */
    synchronized boolean stoppedWithoutQuietPeriod() {
        return quietPeriodEnded;
    }

    int port() {
        return port;
    }

    String url() {
        return "tcp://" + host + ":" + port;
    }

    /**
     * Stops the broker, started or still starting (idempotent); HiveMQ closes its persistence before returning.
     * HiveMQ's Netty shutdown would wait a fixed quiet period of 2 s: {@link NettyQuickStop} ends it once HiveMQ has
     * closed its connections.
     */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            running = false;
            try {
                CompletableFuture<Void> stopping = hive.stop();
                if (quickStop != null) {
                    quietPeriodEnded = quickStop.endQuietPeriod(stopping,
                            TimeUnit.SECONDS.toMillis(STOP_TIMEOUT_SECONDS));
                }
                stopping.get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(Level.WARNING, "embedded MQTT broker did not stop cleanly: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeQuietly(hive);
            LOG.log(Level.INFO, "embedded MQTT broker stopped");
        }
    }

    private static void closeQuietly(EmbeddedHiveMQ hive) {
        try {
            hive.close();
        } catch (ExecutionException e) {
            LOG.log(Level.WARNING, "closing the embedded MQTT broker: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
