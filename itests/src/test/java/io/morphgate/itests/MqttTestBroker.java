package io.morphgate.itests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;

/**
 * Driver side of {@link MqttControlIT}: a real MQTT 3.1.1 broker (Moquette, outside OSGi) on a free port of
 * 127.0.0.1, and a TCP relay in front of it for the gateway. Cutting the relay's connections is a network failure
 * as the broker sees it (no DISCONNECT), so the broker publishes the gateway's last will. The probe runs in the same
 * JVM but another class loader: it reaches the relay through a {@code Function<String, String>} stored in the
 * system properties under {@link #RELAY}.
 */
final class MqttTestBroker {

    static final String RELAY = "morphgate.itests.mqtt.relay";

    private static Server server;
    private static int brokerPort;
    private static int relayPort;

    private MqttTestBroker() {
    }

    /** Starts the broker and the relay once per JVM; returns {brokerPort, relayPort}. */
    static synchronized int[] start() {
        if (server == null) {
            try {
                brokerPort = freePort();
                Properties p = new Properties();
                p.setProperty("host", "127.0.0.1");
                p.setProperty("port", Integer.toString(brokerPort));
                p.setProperty("websocket_port", "disabled");
                p.setProperty("allow_anonymous", "true");
                p.setProperty("persistence_enabled", "false");
                p.setProperty("telemetry_enabled", "false");
                p.setProperty("netty.mqtt.message_size", "1048576");
                Server broker = new Server();
                broker.startServer(new MemoryConfig(p));
                Runtime.getRuntime().addShutdownHook(new Thread(broker::stopServer));
                server = broker;
                relayPort = startRelay(brokerPort);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the test broker", e);
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
