package io.morphgate.fleet.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.google.gson.JsonElement;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.morphgate.fleet.inventory.Database;

/**
 * The fleet's HTTP/JSON API and its page, on the JDK's HTTP server: {@code /api/v1/gateways[/{id}]},
 * {@code /api/v1/rollouts[/{id}[/abort]]} (docs/fleet.md, HTTP API) and the fleet page at {@code /}. It reads and
 * writes the database as the commands do, so it needs no controller in the same process; the controller carries
 * out what it writes. Owns its threads; {@link #close} stops them.
 */
public final class FleetApi implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FleetApi.class.getName());
    private static final String PREFIX = "/api/v1/";
    private static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "fleet-http");
        t.setDaemon(true);
        return t;
    });
    private final ApiStores stores;
    private final GatewaysResource gateways;
    private final RolloutsResource rollouts;

    private FleetApi(ApiStores stores, HttpServer server) {
        this.server = server;
        this.stores = stores;
        this.gateways = new GatewaysResource(stores);
        this.rollouts = new RolloutsResource(stores);
    }

    /** Serves at host:port (port 0: a free one, see {@link #port}). */
    public static FleetApi start(Database database, String host, int port) throws IOException, SQLException {
        ApiStores stores = ApiStores.open(database);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            stores.close();
            throw new IOException("cannot serve HTTP at " + host + ":" + port + ": " + e.getMessage(), e);
        }
        FleetApi api = new FleetApi(stores, server);
        server.createContext(PREFIX, api::api);
        server.createContext("/", FleetPage::serve);
        server.setExecutor(api.threads);
        server.start();
        return api;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** http://host:port of the server as bound. */
    public String address() {
        return "http://" + server.getAddress().getHostString() + ":" + port();
    }

    private void api(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                ApiRequest request = read(exchange);
                ApiReply reply;
                synchronized (stores) { // one request at a time on the stores' connections
                    reply = route(request, exchange);
                }
                reply(exchange, reply);
            } catch (ApiError e) {
                send(exchange, e.status(), FleetJson.error(e.code(), e.getMessage(), e.field()));
            } catch (SQLException | RuntimeException e) {
                LOG.log(Level.WARNING, exchange.getRequestMethod() + " " + exchange.getRequestURI() + ": " + e, e);
                send(exchange, 500, FleetJson.error("INTERNAL", "the fleet database failed: " + e.getMessage(), null));
            }
        }
    }

    /** Each path with the methods it takes; 404 for another path, 405 for another method. */
    private ApiReply route(ApiRequest r, HttpExchange exchange) throws ApiError, SQLException {
        List<String> p = r.path();
        if (p.size() == 1 && p.get(0).equals("gateways")) {
            allow(r, exchange, "GET");
            return gateways.list(r);
        }
        if (p.size() == 2 && p.get(0).equals("gateways")) {
            allow(r, exchange, "GET");
            return gateways.one(p.get(1));
        }
        if (p.size() == 1 && p.get(0).equals("rollouts")) {
            allow(r, exchange, "GET", "POST");
            return r.method().equals("GET") ? rollouts.list(r) : rollouts.create(r);
        }
        if (p.size() == 2 && p.get(0).equals("rollouts")) {
            allow(r, exchange, "GET");
            return rollouts.one(p.get(1));
        }
        if (p.size() == 3 && p.get(0).equals("rollouts") && p.get(2).equals("abort")) {
            allow(r, exchange, "POST");
            return rollouts.abort(p.get(1));
        }
        throw ApiError.notFound("no such resource: " + PREFIX + String.join("/", p)
                + " (see /api/v1/gateways, /api/v1/rollouts)");
    }

    private static void allow(ApiRequest r, HttpExchange exchange, String... methods) throws ApiError {
        if (!Arrays.asList(methods).contains(r.method())) {
            exchange.getResponseHeaders().set("Allow", String.join(", ", methods));
            throw new ApiError(405, "METHOD_NOT_ALLOWED", r.method() + " is not allowed here; allowed: "
                    + String.join(", ", methods), null);
        }
    }

    /**
     * The request, after two guards for the actions: a browser page of another origin may not post here (its
     * Origin must be this server's), and a body must be JSON.
     */
    private static ApiRequest read(HttpExchange exchange) throws IOException, ApiError {
        String method = exchange.getRequestMethod();
        if (method.equals("POST")) {
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            String host = exchange.getRequestHeaders().getFirst("Host");
            if (origin != null && !origin.equals("http://" + host)) {
                throw new ApiError(403, "FORBIDDEN_ORIGIN", "a page of " + origin + " may not change the fleet", null);
            }
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (body.length > MAX_BODY_BYTES) {
            throw new ApiError(413, "TOO_LARGE", "a body of at most " + MAX_BODY_BYTES + " bytes", null);
        }
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (body.length > 0 && (type == null || !type.toLowerCase().startsWith("application/json"))) {
            throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "send the body as Content-Type: application/json", null);
        }
        String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
        List<String> segments = Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
        return new ApiRequest(method, segments, ApiRequest.query(exchange.getRequestURI().getRawQuery()),
                new String(body, StandardCharsets.UTF_8));
    }

    private static void reply(HttpExchange exchange, ApiReply reply) throws IOException {
        if (reply.location() != null) {
            exchange.getResponseHeaders().set("Location", reply.location());
        }
        send(exchange, reply.status(), reply.body());
    }

    private static void send(HttpExchange exchange, int status, JsonElement body) throws IOException {
        byte[] bytes = (body.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** Stops answering (requests under way get a second), stops the threads, closes the stores. */
    @Override
    public void close() {
        server.stop(1);
        threads.shutdown();
        try {
            if (!threads.awaitTermination(5, TimeUnit.SECONDS)) {
                threads.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.shutdownNow();
        }
        synchronized (stores) {
            try {
                stores.close();
            } catch (SQLException e) {
                LOG.log(Level.WARNING, "closing the API's database connections: " + e.getMessage(), e);
            }
        }
    }
}
