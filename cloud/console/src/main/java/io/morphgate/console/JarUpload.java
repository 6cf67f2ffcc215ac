package io.morphgate.console;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Sends a local jar to gateways with the upload verb (docs/protocol.md, "upload"): base64 chunks that keep each
 * message below the gateways' maxPayloadBytes, sent to all gateways in step, the next chunk only once every gateway
 * still taking part has answered ok. A gateway that answers an error, or not in time, drops out, said so; the
 * others go on.
 */
final class JarUpload {

    /** Room in a message for everything but the chunk: requestId, uploadId, index, count, JSON punctuation. */
    static final int ENVELOPE_BYTES = 1024;
    static final int MIN_PAYLOAD_BYTES = 2 * ENVELOPE_BYTES;

    private final CloudLink link;
    private final Duration timeout;
    private final PrintWriter out;

    JarUpload(CloudLink link, Duration timeout, PrintWriter out) {
        this.link = link;
        this.timeout = timeout;
        this.out = out;
    }

    /** The raw bytes of a chunk whose base64 and envelope stay below {@code maxPayloadBytes}. */
    static int chunkBytes(int maxPayloadBytes) {
        return (maxPayloadBytes - ENVELOPE_BYTES) / 4 * 3;
    }

    /** Uploads {@code jar} as {@code uploadId}; the gateways that have all of it. */
    GatewayCommand.Ready send(Path jar, String uploadId, int maxPayloadBytes, List<String> gateways)
            throws Exception {
        long size = Files.size(jar);
        int chunk = chunkBytes(maxPayloadBytes);
        int count = (int) Math.max(1, (size + chunk - 1) / chunk);
        List<String> taking = new ArrayList<>(gateways);
        int exit = Console.EXIT_OK;
        for (String gateway : gateways) {
            link.subscribe(Topics.reply(gateway, "+"));
        }
        try (InputStream in = Files.newInputStream(jar)) {
            long sent = 0;
            int shownDecile = 0;
            for (int index = 0; index < count && !taking.isEmpty(); index++) {
                byte[] bytes = in.readNBytes(chunk);
                String requestId = uploadId + "-" + index;
                JsonObject payload = Payloads.upload(uploadId, index, count, Base64.getEncoder().encodeToString(bytes));
                payload.addProperty("requestId", requestId);
                for (String gateway : taking) {
                    link.publish(Topics.command(gateway, "upload"), payload.toString());
                }
                exit = Math.max(exit, awaitReplies(taking, requestId, index, count));
                sent += bytes.length;
                int decile = (int) (10 * (index + 1L) / count);
                if (count > 1 && decile > shownDecile && !taking.isEmpty()) {
                    shownDecile = decile;
                    out.println("upload " + uploadId + " " + decile * 10 + "%: chunk " + (index + 1) + " of " + count
                            + ", " + sent + " of " + size + " bytes");
                    out.flush();
                }
            }
        } finally {
            for (String gateway : gateways) {
                link.unsubscribe(Topics.reply(gateway, "+"));
            }
        }
        for (String gateway : taking) {
            out.println(gateway + " upload ok: " + size + " bytes in " + count + " chunks as upload:" + uploadId);
        }
        out.flush();
        return new GatewayCommand.Ready(taking, exit);
    }

    /** Waits for each gateway's reply to chunk {@code index}; removes those that fail. The worst exit code. */
    private int awaitReplies(List<String> taking, String requestId, int index, int count)
            throws InterruptedException {
        Map<String, String> waiting = new LinkedHashMap<>();
        taking.forEach(g -> waiting.put(Topics.reply(g, requestId), g));
        int exit = Console.EXIT_OK;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!waiting.isEmpty() && System.nanoTime() - deadline < 0) {
            CloudLink.Message m = link.inbox().poll(50, TimeUnit.MILLISECONDS);
            String gateway = m == null ? null : waiting.remove(m.topic());
            if (gateway != null && !isOk(gateway, m.payload(), index, count)) {
                taking.remove(gateway);
                exit = Math.max(exit, Console.EXIT_ERROR_REPLY);
            }
        }
        for (String gateway : waiting.values()) {
            out.println(gateway + " upload timeout: no reply to chunk " + (index + 1) + " of " + count + " (request "
                    + requestId + "); nothing is installed there");
            taking.remove(gateway);
            exit = Console.EXIT_NO_REPLY;
        }
        return exit;
    }

    private boolean isOk(String gateway, String payload, int index, int count) {
        String why;
        try {
            JsonObject reply = JsonParser.parseString(payload).getAsJsonObject();
            if ("ok".equals(text(reply, "status"))) {
                return true;
            }
            JsonElement error = reply.get("error");
            JsonObject e = error != null && error.isJsonObject() ? error.getAsJsonObject() : new JsonObject();
            why = text(reply, "status") + " " + text(e, "code") + ": " + text(e, "message");
        } catch (RuntimeException e) {
            why = "unreadable reply (" + e.getMessage() + "): " + payload;
        }
        out.println(gateway + " upload " + why + " (chunk " + (index + 1) + " of " + count + "); nothing is "
                + "installed there");
        return false;
    }

    private static String text(JsonObject json, String name) {
        JsonElement e = json.get(name);
        return e == null || e.isJsonNull() ? "" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }
}
