package io.morphgate.control.mqtt.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

/**
 * Crafted hostile payloads within the size limit: each is answered once with a specific error (never a thread killed
 * by a StackOverflowError, never a reply or log line that echoes the whole payload back).
 */
class HostileCommandTest {

    private static final int LIMIT = 262_144;

    @TempDir
    Path dir;

    private final RecordingOutbox outbox = new RecordingOutbox();
    private final AtomicInteger acks = new AtomicInteger();

    private void send(String verb, String payload) {
        CommandHandler echo = new CommandHandler() {
            @Override
            public CompletableFuture<Reply> handle(Command c) throws CommandException {
                return CompletableFuture.completedFuture(Reply.ok(c, new JsonPrimitive(c.arguments().requiredString("text"))));
            }

            @Override
            public Set<String> fields() {
                return Set.of("text");
            }
        };
        CommandRouter router = new CommandRouter(Map.of("echo", echo), new ReplyStore(dir, 10), outbox, Runnable::run,
                LIMIT, Duration.ofSeconds(2));
        router.accept(verb, payload.getBytes(StandardCharsets.UTF_8), acks::incrementAndGet);
    }

    private static JsonObject error(RecordingOutbox.Message m) {
        return m.json().getAsJsonObject("error");
    }

    @Test
    void aHundredThousandOpenBracketsAreMalformed() throws Exception {
        send("echo", "[".repeat(100_000));
        assertEquals(ErrorCodes.MALFORMED_JSON, error(outbox.await("event/error", 1)).get("code").getAsString());
        assertEquals(1, acks.get());
    }

    @Test
    void deeplyNestedButBalancedArraysAreRefusedWithoutEchoingThem() throws Exception {
        send("echo", "[".repeat(100_000) + "]".repeat(100_000));
        JsonObject error = error(outbox.await("event/error", 1));
        assertEquals(ErrorCodes.MALFORMED_JSON, error.get("code").getAsString());
        assertTrue(error.get("message").getAsString().contains("nest"), error.toString());
        assertEquals(1, acks.get());
    }

    @Test
    void deeplyNestedFieldInAnObjectIsRefusedOnItsRequestId() throws Exception {
        send("echo", "{\"requestId\":\"n-1\",\"text\":" + "{\"a\":".repeat(40_000) + "1" + "}".repeat(40_000) + "}");
        assertEquals(ErrorCodes.MALFORMED_JSON, error(outbox.await("reply/n-1", 1)).get("code").getAsString());
    }

    @Test
    void aWrongValueIsQuotedShortInTheReply() throws Exception {
        send("echo", "{\"requestId\":\"w-1\",\"text\":[\"" + "x".repeat(200_000) + "\"]}");
        JsonObject error = error(outbox.await("reply/w-1", 1));
        assertEquals(ErrorCodes.INVALID_ARGUMENT, error.get("code").getAsString());
        assertEquals("text", error.get("field").getAsString());
        assertTrue(error.get("message").getAsString().length() < 400, error.get("message").getAsString().length() + " chars");
    }

    @Test
    void manyFieldsWithinTheLimitAreAnsweredOnceNamingTheFirstUnknown() throws Exception {
        StringBuilder json = new StringBuilder("{\"requestId\":\"m-1\",\"text\":\"ok\"");
        for (int i = 0; json.length() < LIMIT - 64; i++) {
            json.append(",\"f").append(i).append("\":").append(i);
        }
        send("echo", json.append('}').toString());
        JsonObject error = error(outbox.await("reply/m-1", 1));
        assertEquals(ErrorCodes.INVALID_ARGUMENT, error.get("code").getAsString());
        assertEquals("f0", error.get("field").getAsString());
        assertTrue(error.get("message").getAsString().length() < 400, error.get("message").getAsString().length() + " chars");
        assertEquals(1, acks.get());
    }

    @Test
    void invalidUtf8IsAnsweredNotThrown() throws Exception {
        CommandRouter router = new CommandRouter(Map.of(), new ReplyStore(dir, 10), outbox, Runnable::run, LIMIT,
                Duration.ofSeconds(2));
        byte[] payload = {'{', '"', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
        router.accept("echo", payload, acks::incrementAndGet);
        assertEquals(ErrorCodes.INVALID_ARGUMENT, error(outbox.await("event/error", 1)).get("code").getAsString());
        assertEquals(1, acks.get());
    }
}
