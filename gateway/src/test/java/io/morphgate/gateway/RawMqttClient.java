package io.morphgate.gateway;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A minimal MQTT 3.1.1 client over a plain socket, for tests that need packets a real client library would not send
 * on demand (a QoS 1 PUBLISH with the DUP flag set the first time). It writes CONNECT and PUBLISH and reads whole
 * packets; nothing else.
 */
final class RawMqttClient implements AutoCloseable {

    static final int CONNACK = 2;
    static final int PUBACK = 4;

    /** One control packet as read: the type (high nibble of the first byte) and the bytes after the length. */
    record Packet(int type, byte[] body) {
        int packetId() {
            return ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawMqttClient(String host, int port, Duration readTimeout) throws IOException {
        socket = new Socket(host, port);
        socket.setSoTimeout((int) readTimeout.toMillis());
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** CONNECT with protocol level 4 (3.1.1), the given clean-session flag and a 60 s keep-alive. */
    void connect(String clientId, boolean cleanSession) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, "MQTT");
        body.write(4);
        body.write(cleanSession ? 0x02 : 0x00);
        body.write(0);
        body.write(60);
        writeString(body, clientId);
        send(0x10, body.toByteArray());
    }

    /** PUBLISH at QoS 1; dup sets the DUP flag (bit 3 of the first byte). */
    void publishQos1(String topic, int packetId, byte[] payload, boolean dup) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        writeString(body, topic);
        body.write(packetId >> 8);
        body.write(packetId & 0xff);
        body.write(payload);
        send(0x30 | (dup ? 0x08 : 0) | 0x02, body.toByteArray());
    }

    /**
     * The next packet, or null when the broker closed the connection (end of stream or reset) or sent nothing
     * within the read timeout.
     */
    Packet read() throws IOException {
        try {
            int first = in.readUnsignedByte();
            int length = 0;
            for (int shift = 0; ; shift += 7) {
                int b = in.readUnsignedByte();
                length |= (b & 0x7f) << shift;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            byte[] body = new byte[length];
            in.readFully(body);
            return new Packet(first >> 4, body);
        } catch (EOFException | SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("reset")) {
                return null;
            }
            throw e;
        }
    }

    private void send(int header, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(header);
        int length = body.length;
        do {
            int digit = length % 128;
            length /= 128;
            packet.write(length > 0 ? digit | 0x80 : digit);
        } while (length > 0);
        packet.write(body);
        out.write(packet.toByteArray());
        out.flush();
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xff);
        out.write(bytes, 0, bytes.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
