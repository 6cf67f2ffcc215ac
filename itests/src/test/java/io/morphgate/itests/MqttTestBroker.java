package io.morphgate.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import com.hivemq.embedded.EmbeddedHiveMQ;

/**
 * Driver side of {@link MqttControlIT}: a real MQTT broker (HiveMQ CE embedded, the gateway's own broker, here with
 * in-memory persistence; outside OSGi) on a free port of
 * 127.0.0.1, and a TCP relay in front of it for the gateway. Cutting the relay's connections is a network failure
 * as the broker sees it (no DISCONNECT), so the broker publishes the gateway's last will. The probe runs in the same
 * JVM but another class loader: it reaches the relay through a {@code Function<String, String>} stored in the
 * system properties under {@link #RELAY}.
 */
final class MqttTestBroker {

    static final String RELAY = "morphgate.itests.mqtt.relay";

    private static EmbeddedHiveMQ server;
    private static int brokerPort;
    private static int relayPort;

    private MqttTestBroker() {
    }

    /** Starts the broker and the relay once per JVM; returns {brokerPort, relayPort}. */
    static synchronized int[] start() {
        if (server == null) {
            try {
                brokerPort = freePort();
                Path dir = Files.createTempDirectory("morphgate-itests-broker");
                Path conf = Files.createDirectories(dir.resolve("conf"));
                Files.writeString(conf.resolve("config.xml"), """
                        <hivemq>
                          <listeners><tcp-listener><port>%d</port><bind-address>127.0.0.1</bind-address></tcp-listener></listeners>
                          <mqtt><packets><max-packet-size>1048576</max-packet-size></packets></mqtt>
                          <persistence><mode>in-memory</mode></persistence>
                          <anonymous-usage-statistics><enabled>false</enabled></anonymous-usage-statistics>
                        </hivemq>
                        """.formatted(brokerPort), StandardCharsets.UTF_8);
                EmbeddedHiveMQ broker = EmbeddedHiveMQ.builder()
                        .withConfigurationFolder(conf)
                        .withDataFolder(Files.createDirectories(dir.resolve("data")))
                        .withExtensionsFolder(Files.createDirectories(dir.resolve("extensions")))
                        .withoutLoggingBootstrap()
                        .build();
                broker.start().get(60, TimeUnit.SECONDS);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        broker.close();
                    } catch (ExecutionException | InterruptedException e) {
                        // the JVM is exiting
                    }
                }));
                server = broker;
                relayPort = startRelay(brokerPort);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test broker", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("cannot start the test broker", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting the test broker", e);
            }
        }
        return new int[] {brokerPort, relayPort};
    }

    private static int startRelay(int target) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Set<Socket> open = ConcurrentHashMap.newKeySet();
        Thread acceptor = new Thread(() -> {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(client);
                    open.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // listener closed or broker refused: the gateway retries
                }
            }
        }, "mqtt-relay");
        acceptor.setDaemon(true);
        acceptor.start();
        Function<String, String> control = command -> {
            if (!"drop".equals(command)) {
                return "unknown: " + command;
            }
            int n = open.size();
            for (Socket s : open) {
                try {
                    s.setSoLinger(true, 0); // reset, not a clean close
                    s.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
            open.clear();
            return "dropped " + n;
        };
        System.getProperties().put(RELAY, control);
        return listener.getLocalPort();
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection dropped
            } finally {
                try {
                    to.close();
                } catch (IOException e) {
                    // already closed
                }
            }
        }, "mqtt-relay-pump");
        t.setDaemon(true);
        t.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
