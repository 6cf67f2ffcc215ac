package io.morphgate.gateway.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A minimal HTTP/1.1 file server on loopback (raw sockets, one connection per request, {@code Connection: close}),
 * serving jars to the gateway under test. Raw sockets because the drills need what an HTTP server library will not
 * do: cut a response half-way. It honours {@code Range: bytes=N-} with 206, as the gateway's resumed downloads expect.
 * <ul>
 * <li>{@link #publish}: served whole;</li>
 * <li>{@link #publishDropping}: the first full request gets half the bytes, then the connection closes;</li>
 * <li>{@link #publishStalling}: the first full request gets half the bytes, then hangs until {@link #release};
 * then the connection closes.</li>
 * </ul>
 */
public final class JarServer implements AutoCloseable {

    private enum Mode { WHOLE, DROP_FIRST, STALL_FIRST }

    private record Served(byte[] jar, Mode mode, CountDownLatch stalled, CountDownLatch release) {
    }

    private final ServerSocket socket;
    private final Map<String, Served> jars = new ConcurrentHashMap<>();
    private final Map<String, Boolean> firstDone = new ConcurrentHashMap<>();
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    public JarServer() throws IOException {
        socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket client = socket.accept();
                    Thread t = new Thread(() -> serve(client), "jar-server");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    // closed
                }
            }
        }, "jar-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private void serve(Socket client) {
        try (client) {
            BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            String requestLine = in.readLine();
            if (requestLine == null) {
                return;
            }
            String path = requestLine.split(" ")[1];
            String name = path.substring(path.lastIndexOf('/') + 1);
            int from = 0;
            for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
                if (line.toLowerCase(Locale.ROOT).startsWith("range: bytes=")) {
                    from = Integer.parseInt(line.substring(13, line.indexOf('-')).trim());
                }
            }
            OutputStream out = client.getOutputStream();
            Served served = jars.get(name);
            if (served == null) {
                out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".getBytes());
                return;
            }
            byte[] jar = served.jar();
            if (from > 0) {
                ranges.add(name + " bytes=" + from + "-");
                out.write(("HTTP/1.1 206 Partial Content\r\nContent-Type: application/java-archive\r\nContent-Length: "
                        + (jar.length - from) + "\r\nContent-Range: bytes " + from + "-" + (jar.length - 1) + "/"
                        + jar.length + "\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n").getBytes());
                out.write(jar, from, jar.length - from);
                out.flush();
                return;
            }
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/java-archive\r\nContent-Length: " + jar.length
                    + "\r\nAccept-Ranges: bytes\r\nConnection: close\r\n\r\n").getBytes());
            boolean first = firstDone.putIfAbsent(name, true) == null;
            if (served.mode() == Mode.WHOLE || !first) {
                out.write(jar);
                out.flush();
                return;
            }
            out.write(jar, 0, jar.length / 2);
            out.flush();
            if (served.mode() == Mode.STALL_FIRST) {
                served.stalled().countDown();
                served.release().await();
            }
            // closing the socket here cuts the response short of its Content-Length
        } catch (IOException e) {
            // the gateway went away (killed): expected in the crash drills
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String publish(String name, byte[] jar) {
        jars.put(name, new Served(jar, Mode.WHOLE, new CountDownLatch(0), new CountDownLatch(0)));
        return url(name);
    }

    public String publishDropping(String name, byte[] jar) {
        jars.put(name, new Served(jar, Mode.DROP_FIRST, new CountDownLatch(0), new CountDownLatch(0)));
        return url(name);
    }

    public String publishStalling(String name, byte[] jar) {
        jars.put(name, new Served(jar, Mode.STALL_FIRST, new CountDownLatch(1), new CountDownLatch(1)));
        return url(name);
    }

    /** Waits until the first download of a stalling jar has sent its first half. */
    public boolean awaitStalled(String name, long seconds) throws InterruptedException {
        return jars.get(name).stalled().await(seconds, TimeUnit.SECONDS);
    }

    /** Lets the stalled download of this jar end, cut short of its length. */
    public void release(String name) {
        jars.get(name).release().countDown();
    }

    /** The Range requests received, as "name bytes=N-". */
    public List<String> ranges() {
        return List.copyOf(ranges);
    }

    public String url(String name) {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/" + name;
    }

    @Override
    public void close() {
        jars.values().forEach(s -> s.release().countDown());
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
