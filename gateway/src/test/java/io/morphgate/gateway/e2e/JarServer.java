package io.morphgate.gateway.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * An HTTP server on loopback that serves jars to the gateway under test. A jar published as "stalling" is sent
 * half-way, then the connection hangs until {@link #release()}: a download the gateway is in the middle of.
 */
public final class JarServer implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, byte[]> jars = new ConcurrentHashMap<>();
    private final Map<String, Boolean> stalling = new ConcurrentHashMap<>();
    private final CountDownLatch stalled = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    public JarServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jar-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            String name = exchange.getRequestURI().getPath().substring(1);
            byte[] jar = jars.get(name);
            if (jar == null) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "application/java-archive");
            exchange.sendResponseHeaders(200, jar.length);
            try (OutputStream out = exchange.getResponseBody()) {
                if (stalling.getOrDefault(name, false)) {
                    out.write(jar, 0, jar.length / 2);
                    out.flush();
                    stalled.countDown();
                    release.await();
                    return; // connection closed short of Content-Length
                }
                out.write(jar);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the gateway went away mid-download (killed): expected in the crash drill
            }
        });
        server.start();
    }

    public String publish(String name, byte[] jar) {
        jars.put(name, jar);
        return url(name);
    }

    public String publishStalling(String name, byte[] jar) {
        stalling.put(name, true);
        return publish(name, jar);
    }

    /** Waits until a stalling download has sent its first half. */
    public boolean awaitStalled(long seconds) throws InterruptedException {
        return stalled.await(seconds, java.util.concurrent.TimeUnit.SECONDS);
    }

    public void release() {
        release.countDown();
    }

    public String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
    }

    @Override
    public void close() {
        release();
        server.stop(0);
    }
}
