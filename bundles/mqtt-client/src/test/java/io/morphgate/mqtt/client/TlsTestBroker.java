package io.morphgate.mqtt.client;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * Tests only: the TLS side of an MQTT broker and no more. It holds a key pair for {@code localhost} made by the JDK's
 * keytool (its certificate, self-signed, is the CA file a client must trust: {@link #caFile()}), accepts TLS
 * connections, reads each client's CONNECT packet (MQTT 3.1.1), records it and answers CONNACK "accepted"; everything
 * after that is read and dropped. Shared with the tests of the bundles that use the client setup (test-jar).
 */
public final class TlsTestBroker implements AutoCloseable {

    /** What a client sent in its CONNECT packet. */
    public record Connect(String clientId, Optional<String> username, Optional<String> password, boolean cleanSession) {
    }

    private static final String STORE_PASSWORD = "changeit";

    private final Path keyStore;
    private final Path caFile;
    private final BlockingQueue<Connect> connects = new LinkedBlockingQueue<>();
    private final List<SSLSocket> clients = new ArrayList<>();
    private SSLServerSocket server;

    /** A new key pair (and CA file) under {@code dir}, named {@code name}; listening starts with {@link #listen}. */
    public TlsTestBroker(Path dir, String name) throws IOException, InterruptedException {
        this.keyStore = dir.resolve(name + ".p12");
        this.caFile = dir.resolve(name + "-ca.pem");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-keystore", keyStore.toString(),
                "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", keyStore.toString(), "-storepass",
                STORE_PASSWORD, "-file", caFile.toString());
    }

    /** The PEM file of the certificate that signs this broker's (it signs its own). */
    public Path caFile() {
        return caFile;
    }

    /** Listens on {@code port} (0: any free port) of the loopback interface; returns the port. */
    public synchronized int listen(int port) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keyStore)) {
            keys.load(in, STORE_PASSWORD.toCharArray());
        }
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, STORE_PASSWORD.toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(managers.getKeyManagers(), null, null);
        server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(port, 10,
                InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::accept, "tls-test-broker");
        acceptor.setDaemon(true);
        acceptor.start();
        return server.getLocalPort();
    }

    /** The next CONNECT a client completed over TLS, waiting up to {@code seconds}. */
    public Optional<Connect> awaitConnect(long seconds) throws InterruptedException {
        return Optional.ofNullable(connects.poll(seconds, TimeUnit.SECONDS));
    }

    @Override
    public synchronized void close() throws IOException {
        if (server != null) {
            server.close();
        }
        for (SSLSocket client : clients) {
            client.close();
        }
    }

    private void accept() {
        while (true) {
            SSLSocket client;
            try {
                client = (SSLSocket) server.accept();
            } catch (IOException closed) {
                return;
            }
            synchronized (this) {
                clients.add(client);
            }
            Thread reader = new Thread(() -> serve(client), "tls-test-broker-client");
            reader.setDaemon(true);
            reader.start();
        }
    }

    private void serve(SSLSocket client) {
        try {
            DataInputStream in = new DataInputStream(client.getInputStream());
            connects.add(readConnect(in));
            client.getOutputStream().write(new byte[] {0x20, 0x02, 0x00, 0x00});
            client.getOutputStream().flush();
            while (in.read() >= 0) {
                // the rest (SUBSCRIBE, PINGREQ, ...) is not this broker's concern
            }
        } catch (SocketException | javax.net.ssl.SSLException closedOrRefused) {
            // a client that does not trust this broker aborts the handshake
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CONNECT of MQTT 3.1.1: fixed header, variable header (protocol, level, flags, keep-alive), payload. */
    private static Connect readConnect(DataInputStream in) throws IOException {
        int type = in.readUnsignedByte();
        if (type != 0x10) {
            throw new IOException("expected CONNECT, got packet type " + (type >> 4));
        }
        remainingLength(in);
        String protocol = string(in);
        int level = in.readUnsignedByte();
        if (!protocol.equals("MQTT") || level != 4) {
            throw new IOException("not MQTT 3.1.1: " + protocol + " level " + level);
        }
        int flags = in.readUnsignedByte();
        in.readUnsignedShort(); // keep-alive
        String clientId = string(in);
        if ((flags & 0x04) != 0) {
            string(in); // will topic
            string(in); // will message
        }
        Optional<String> username = (flags & 0x80) != 0 ? Optional.of(string(in)) : Optional.empty();
        Optional<String> password = (flags & 0x40) != 0 ? Optional.of(string(in)) : Optional.empty();
        return new Connect(clientId, username, password, (flags & 0x02) != 0);
    }

    private static int remainingLength(DataInputStream in) throws IOException {
        int value = 0;
        for (int shift = 0, b = 0x80; (b & 0x80) != 0; shift += 7) {
            b = in.readUnsignedByte();
            value |= (b & 0x7f) << shift;
        }
        return value;
    }

    private static String string(DataInputStream in) throws IOException {
        byte[] bytes = new byte[in.readUnsignedShort()];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }
}
