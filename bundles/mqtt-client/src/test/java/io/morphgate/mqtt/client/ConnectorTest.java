package io.morphgate.mqtt.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectorTest {

    @TempDir
    Path dir;

    @Test
    void theFirstConnectIsRetriedUntilTheBrokerListens() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (TlsTestBroker broker = new TlsTestBroker(dir, "late")) {
            BrokerSettings settings = BrokerSettings.of("ssl://localhost:" + port, "gw-1", "", "",
                    broker.caFile().toString(), 30, name -> null);
            MqttAsyncClient client = new MqttAsyncClient(settings.brokerUrl(), "late-client", new MemoryPersistence());
            Connector connector = new Connector(client, ClientOptions.of(settings), scheduler, "test link");
            connector.start(); // nothing listens yet: the attempt fails, the next one comes 1 s later
            Thread.sleep(300);
            broker.listen(port);
            assertEquals("late-client", broker.awaitConnect(15).orElseThrow().clientId());
            connector.close();
            client.disconnectForcibly(100, 100);
            client.close(true);
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void closeWaitsForTheConnectUnderWaySoThatTheClientCanBeDisconnectedAndClosed() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread slowBroker = new Thread(() -> answerConnectLate(server, 1_000));
            slowBroker.start();
            BrokerSettings settings = BrokerSettings.of("tcp://127.0.0.1:" + server.getLocalPort(), "gw-1", "", "",
                    "", 30, name -> null);
            MqttAsyncClient client = new MqttAsyncClient(settings.brokerUrl(), "slow-client", new MemoryPersistence());
            Connector connector = new Connector(client, ClientOptions.of(settings), scheduler, "test link");
            connector.start();
            Thread.sleep(200); // the CONNECT is sent; the CONNACK comes 1 s after it

            connector.close();

            assertTrue(client.isConnected(), "close() returned while the client was still connecting");
            client.disconnect(1_000).waitForCompletion(2_000);
            client.close(true); // Paho refuses this (32110) while a connect is under way
            slowBroker.join(5_000);
        } finally {
            scheduler.shutdownNow();
        }
    }

    /** A broker that reads the CONNECT and accepts it after delayMillis, then waits for the client to hang up. */
    private static void answerConnectLate(ServerSocket server, long delayMillis) {
        try (Socket socket = server.accept()) {
            socket.getInputStream().read(new byte[256]);
            Thread.sleep(delayMillis);
            OutputStream out = socket.getOutputStream();
            out.write(new byte[] {0x20, 0x02, 0x00, 0x00}); // CONNACK, session not present, accepted
            out.flush();
            while (socket.getInputStream().read() >= 0) {
                // DISCONNECT, then end of stream
            }
        } catch (IOException | InterruptedException e) {
            // the test's assertions report what went wrong
        }
    }

    @Test
    void aRefusedConnectionIsRecognisedHoweverPahoWrapsIt() {
        java.net.ConnectException refused = new java.net.ConnectException("Connection refused");
        assertTrue(Connector.refused(new org.eclipse.paho.client.mqttv3.MqttException(32103, refused)));
        assertTrue(Connector.refused(new org.eclipse.paho.client.mqttv3.MqttException(0,
                new org.eclipse.paho.client.mqttv3.MqttException(32103, refused))));
        assertTrue(!Connector.refused(new org.eclipse.paho.client.mqttv3.MqttException(32103,
                new java.net.SocketTimeoutException("connect timed out"))));
    }

    @Test
    void theBackoffDoublesUpToAMinute() {
        assertEquals(2_000, Connector.next(Connector.FIRST_BACKOFF_MILLIS));
        assertEquals(60_000, Connector.next(40_000));
        assertEquals(60_000, Connector.next(60_000));
    }
}
