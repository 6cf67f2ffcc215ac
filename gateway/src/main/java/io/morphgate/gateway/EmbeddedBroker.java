package io.morphgate.gateway;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

/**
 * The MQTT 3.1.1 broker a gateway runs when no external one is configured: Moquette on the launcher's class path,
 * started before the framework and stopped after it, so the control bundle always finds it. Sessions, queued
 * QoS 1/2 messages and retained messages persist in H2 under the given folder. Anonymous clients are accepted,
 * which is why BrokerSettings lets it listen on loopback only.
 */
final class EmbeddedBroker implements AutoCloseable {

    private static final Logger LOG = System.getLogger(EmbeddedBroker.class.getName());

    private static final Duration BIND_TIMEOUT = Duration.ofSeconds(5);

    private final Server server = new Server();
    private final String host;
    private volatile boolean running;

    private EmbeddedBroker(String host) {
        this.host = host;
    }

    /** Starts a broker on settings.host():settings.port() (0: any free port); its state lives in dataDir. */
    static EmbeddedBroker start(BrokerSettings settings, Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        EmbeddedBroker broker = new EmbeddedBroker(settings.host());
        broker.server.startServer(new MemoryConfig(config(settings, dataDir)), List.of());
        broker.running = true;
        if (!broker.awaitBound()) {
            broker.close();
            throw new IOException("cannot listen on " + settings.host() + ":" + settings.port()
                    + " (in use? pass --broker-port, or broker.mode=external in conf/broker.properties)");
        }
        LOG.log(Level.INFO, "embedded MQTT broker listening on " + settings.host() + ":" + broker.port());
        return broker;
    }

    static Properties config(BrokerSettings settings, Path dataDir) {
        Properties p = new Properties();
        p.setProperty("host", settings.host());
        p.setProperty("port", String.valueOf(settings.port()));
        p.setProperty("websocket_port", "disabled");
        p.setProperty("allow_anonymous", "true");
        // MQTT 3.1.1 lets a clean-session client leave its id to the broker; mosquitto_sub/_pub 2 do so by default
        p.setProperty("allow_zero_byte_client_id", "true");
        p.setProperty("persistence_enabled", "true");
        p.setProperty("data_path", dataDir.toAbsolutePath().toString());
        // h2, not the segmented queues: those preallocate 64 MB pages, too much for a gateway's disk.
        p.setProperty("persistent_queue_type", "h2");
        p.setProperty("autosave_interval", "5");
        p.setProperty("netty.mqtt.message_size", String.valueOf(settings.maxMessageBytes()));
        p.setProperty("netty.epoll", "false");
        // Moquette reports usage to its authors by default; a gateway never phones home.
        p.setProperty("telemetry_enabled", "false");
        p.setProperty("use_metrics", "false");
        p.setProperty("use_bugsnag", "false");
        return p;
    }

    /** Moquette binds asynchronously and reports the port when bound; a failed bind leaves it at 0. */
    private boolean awaitBound() throws IOException {
        long deadline = System.nanoTime() + BIND_TIMEOUT.toNanos();
        while (port() <= 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the embedded broker was binding", e);
            }
        }
        return port() > 0;
    }

    int port() {
        return server.getPort();
    }

    String url() {
        return "tcp://" + host + ":" + port();
    }

    /** Stops the broker (idempotent); H2 writes what it holds before closing. */
    @Override
    public synchronized void close() {
        if (running) {
            running = false;
            server.stopServer();
            LOG.log(Level.INFO, "embedded MQTT broker stopped");
        }
    }
}
