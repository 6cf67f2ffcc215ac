package io.morphgate.mqtt.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every link gets from the shared setup: credentials from the password file, and its sockets. */
class ClientOptionsTest {

    @TempDir
    Path dir;

    private BrokerSettings settings(String url, String passwordFile, String caFile) {
        return BrokerSettings.of(url, "gw-1", "device", passwordFile, caFile, 20, name -> null);
    }

    @Test
    void thePasswordIsTheFirstLineOfItsFileAndAMissingFileIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "s3cret\nignored\n");
        MqttConnectOptions options = ClientOptions.of(settings("tcp://127.0.0.1:1883", file.toString(), ""));
        assertEquals("device", options.getUserName());
        assertArrayEquals("s3cret".toCharArray(), options.getPassword());
        assertEquals(20, options.getKeepAliveInterval());
        assertEquals(MqttConnectOptions.MQTT_VERSION_3_1_1, options.getMqttVersion());
        assertTrue(options.isAutomaticReconnect());
        IOException missing = assertThrows(IOException.class,
                () -> ClientOptions.of(settings("tcp://127.0.0.1:1883", dir.resolve("none").toString(), "")));
        assertTrue(missing.getMessage().contains(dir.resolve("none").toString()), missing.getMessage());
    }

    @Test
    void plainSocketsHaveNagleOff() throws Exception {
        MqttConnectOptions options = ClientOptions.of(settings("tcp://127.0.0.1:1883", "", ""));
        assertFalse(options.getSocketFactory() instanceof SSLSocketFactory);
        try (Socket socket = options.getSocketFactory().createSocket()) {
            assertTrue(socket.getTcpNoDelay());
        }
    }

    @Test
    void tlsTrustsExactlyTheCaFileWithNagleOff() throws Exception {
        Path broker = keyPair("broker");
        Path brokerCa = exportCertificate(broker, "broker");
        Path otherCa = exportCertificate(keyPair("other"), "other");
        MqttConnectOptions trusting = ClientOptions.of(settings("ssl://localhost:8883", "", brokerCa.toString()));
        SSLSocketFactory factory = assertInstanceOf(SSLSocketFactory.class, trusting.getSocketFactory());
        try (SSLServerSocket server = tlsServer(broker)) {
            CompletableFuture<Void> served = serveOne(server);
            try (SSLSocket socket = (SSLSocket) factory.createSocket(InetAddress.getLoopbackAddress(),
                    server.getLocalPort())) {
                assertTrue(socket.getTcpNoDelay());
                socket.startHandshake();
                socket.getOutputStream().write(1);
            }
            served.get(10, TimeUnit.SECONDS);
        }
        SSLSocketFactory distrusting = (SSLSocketFactory) ClientOptions.of(settings("ssl://localhost:8883", "",
                otherCa.toString())).getSocketFactory();
        try (SSLServerSocket server = tlsServer(broker)) {
            serveOne(server);
            try (SSLSocket socket = (SSLSocket) distrusting.createSocket(InetAddress.getLoopbackAddress(),
                    server.getLocalPort())) {
                assertThrows(SSLHandshakeException.class, socket::startHandshake);
            }
        }
    }

    @Test
    void aCaFileWithoutACertificateIsRefusedNamingIt() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        IOException e = assertThrows(IOException.class,
                () -> ClientOptions.of(settings("ssl://localhost:8883", "", empty.toString())));
        assertTrue(e.getMessage().contains(empty.toString()), e.getMessage());
    }

    private Path keyPair(String alias) throws Exception {
        Path store = dir.resolve(alias + ".p12");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit");
        return store;
    }

    private Path exportCertificate(Path store, String alias) throws Exception {
        Path pem = dir.resolve(alias + ".pem");
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-storepass", "changeit",
                "-file", pem.toString());
        return pem;
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool failed: " + output);
    }

    private static SSLServerSocket tlsServer(Path store) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        return (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress());
    }

    /** Accepts one connection, completes its handshake and reads one byte. */
    private static CompletableFuture<Void> serveOne(SSLServerSocket server) {
        return CompletableFuture.runAsync(() -> {
            try (SSLSocket socket = (SSLSocket) server.accept(); OutputStream ignored = socket.getOutputStream()) {
                socket.startHandshake();
                socket.getInputStream().read();
            } catch (IOException e) {
                // the distrusting client aborts the handshake
            }
        });
    }
}
