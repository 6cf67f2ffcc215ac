package io.morphgate.mqtt.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.ServerSocket;
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
    void theBackoffDoublesUpToAMinute() {
        assertEquals(2_000, Connector.next(Connector.FIRST_BACKOFF_MILLIS));
        assertEquals(60_000, Connector.next(40_000));
        assertEquals(60_000, Connector.next(60_000));
    }
}
