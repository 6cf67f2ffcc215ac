package io.morphgate.control.mqtt.internal.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;

class CommandRouterTest {

    @TempDir
    Path dir;

    private final RecordingOutbox outbox = new RecordingOutbox();
    private final Map<String, CommandHandler> handlers = new HashMap<>();
    private final AtomicInteger echoes = new AtomicInteger();
    private final AtomicInteger acks = new AtomicInteger();
    private ExecutorService executor;
    private CommandRouter router;

    @BeforeEach
    void setUp() {
        executor = Executors.newFixedThreadPool(2);
        handlers.put("echo", new CommandHandler() {
            @Override
            public CompletableFuture<Reply> handle(Command c) throws CommandException {
                echoes.incrementAndGet();
                return CompletableFuture.completedFuture(Reply.ok(c, new JsonPrimitive(c.arguments().requiredString("text"))));
            }

            @Override
            public Set<String> fields() {
                return Set.of("text");
            }
        });
        router = new CommandRouter(handlers, new ReplyStore(dir, 10), outbox, executor, 1024, Duration.ofSeconds(2));
    }

    @AfterEach
    void tearDown() {
        executor.shutdownNow();
    }

    private void send(String verb, String payload) {
        router.accept(verb, payload.getBytes(StandardCharsets.UTF_8), acks::incrementAndGet);
    }

    private static String code(JsonObject reply) {
        return reply.getAsJsonObject("error").get("code").getAsString();
    }

    @Test
    void routesToTheHandlerOfTheVerbAndRepliesOnTheRequestTopic() throws Exception {
        send("echo", "{\"requestId\":\"r-1\",\"text\":\"hi\"}");
        JsonObject reply = outbox.await("reply/r-1", 1).json();
        assertEquals("ok", reply.get("status").getAsString());
        assertEquals("echo", reply.get("verb").getAsString());
        assertEquals("hi", reply.get("result").getAsString());
        awaitAcks(1);
    }

    @Test
    void unknownVerb() throws Exception {
        send("reboot", "{\"requestId\":\"r-2\"}");
        JsonObject reply = outbox.await("reply/r-2", 1).json();
        assertEquals("error", reply.get("status").getAsString());
        assertEquals(ErrorCodes.UNKNOWN_VERB, code(reply));
    }

    @Test
    void malformedJsonIsAnsweredOnTheRequestIdItMentions() throws Exception {
        send("echo", "{\"requestId\":\"r-3\", text: oops");
        assertEquals(ErrorCodes.MALFORMED_JSON, code(outbox.await("reply/r-3", 1).json()));
    }

    @Test
    void malformedJsonWithoutRequestIdGoesToTheErrorEvent() throws Exception {
        send("echo", "not json at all");
        assertEquals(ErrorCodes.MALFORMED_JSON, code(outbox.await("event/error", 1).json()));
        send("echo", "[1,2]");
        assertEquals(ErrorCodes.MALFORMED_JSON, code(outbox.await("event/error", 2).json()));
        awaitAcks(2);
    }

    @Test
    void trailingContentIsMalformed() throws Exception {
        send("echo", "{\"requestId\":\"r-4\",\"text\":\"a\"} {}");
        assertEquals(ErrorCodes.MALFORMED_JSON, code(outbox.await("reply/r-4", 1).json()));
    }

    @Test
    void missingOrInvalidRequestIdIsAnInvalidArgumentNamingIt() throws Exception {
        send("echo", "{\"text\":\"a\"}");
        JsonObject error = outbox.await("event/error", 1).json().getAsJsonObject("error");
        assertEquals(ErrorCodes.INVALID_ARGUMENT, error.get("code").getAsString());
        assertEquals("requestId", error.get("field").getAsString());
        send("echo", "{\"requestId\":\"a/b\"}");
        assertEquals("requestId", outbox.await("event/error", 2).json().getAsJsonObject("error").get("field").getAsString());
        send("echo", "{\"requestId\":42}");
        assertEquals("requestId", outbox.await("event/error", 3).json().getAsJsonObject("error").get("field").getAsString());
    }

    @Test
    void wrongFieldTypeNamesTheField() throws Exception {
        send("echo", "{\"requestId\":\"r-5\",\"text\":7}");
        JsonObject error = outbox.await("reply/r-5", 1).json().getAsJsonObject("error");
        assertEquals(ErrorCodes.INVALID_ARGUMENT, error.get("code").getAsString());
        assertEquals("text", error.get("field").getAsString());
    }

    @Test
    void anUnknownFieldIsRefusedNamingItBeforeTheHandlerRuns() throws Exception {
        send("echo", "{\"requestId\":\"u-1\",\"text\":\"hi\",\"txt\":\"typo\"}");
        JsonObject reply = outbox.await("reply/u-1", 1).json();
        JsonObject error = reply.getAsJsonObject("error");
        assertEquals(ErrorCodes.INVALID_ARGUMENT, error.get("code").getAsString());
        assertEquals("txt", error.get("field").getAsString());
        assertTrue(error.get("message").getAsString().contains("[requestId, text]"), error.toString());
        assertEquals(0, echoes.get(), "the handler did not run");
        // a verb that takes no field refuses any
        send("slow-free", "{\"requestId\":\"u-2\",\"verbose\":true}");
        assertEquals(ErrorCodes.UNKNOWN_VERB, code(outbox.await("reply/u-2", 1).json()), "unknown verb first");
        handlers.put("plain", c -> CompletableFuture.completedFuture(Reply.ok(c, new JsonPrimitive("ran"))));
        router = new CommandRouter(handlers, new ReplyStore(dir, 10), outbox, executor, 1024, Duration.ofSeconds(2));
        send("plain", "{\"requestId\":\"u-3\",\"verbose\":true}");
        assertEquals("verbose", outbox.await("reply/u-3", 1).json().getAsJsonObject("error").get("field").getAsString());
        send("plain", "{\"requestId\":\"u-4\"}");
        assertEquals("ran", outbox.await("reply/u-4", 1).json().get("result").getAsString());
    }

    @Test
    void aRepeatedNameIsMalformedNamingItAndNotStored() throws Exception {
        send("echo", "{\"requestId\":\"d-1\",\"text\":\"a\",\"requestId\":\"d-2\"}");
        JsonObject error = outbox.await("reply/d-1", 1).json().getAsJsonObject("error");
        assertEquals(ErrorCodes.MALFORMED_JSON, error.get("code").getAsString());
        assertTrue(error.get("message").getAsString().contains("'requestId' appears twice"), error.toString());
        send("echo", "{\"requestId\":\"d-3\",\"text\":\"a\",\"text\":\"b\"}");
        assertEquals(ErrorCodes.MALFORMED_JSON, code(outbox.await("reply/d-3", 1).json()));
        awaitAcks(2);
        assertEquals(0, echoes.get(), "nothing ran");
        assertTrue(outbox.messages.stream().noneMatch(m -> m.topic().equals("reply/d-2")));
        // not stored: the same id, fixed, runs
        send("echo", "{\"requestId\":\"d-3\",\"text\":\"b\"}");
        assertEquals("b", outbox.await("reply/d-3", 2).json().get("result").getAsString());
    }

    @Test
    void aRepeatedNameInANestedObjectIsNamedWithItsPath() {
        CommandException e = org.junit.jupiter.api.Assertions.assertThrows(CommandException.class, () -> Json.parse(
                "{\"requestId\":\"r\",\"bundles\":[{\"url\":\"a\"},{\"sha256\":\"x\",\"url\":\"b\",\"sha256\":\"y\"}]}"));
        assertEquals(ErrorCodes.MALFORMED_JSON, e.code());
        assertTrue(e.getMessage().contains("'sha256' appears twice in one object (at bundles[1].sha256)"), e.getMessage());
        // the same name in different objects is fine
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> Json.parse(
                "{\"requestId\":\"r\",\"a\":{\"url\":1},\"b\":{\"url\":2,\"c\":{\"url\":3}},\"url\":4}"));
    }

    @Test
    void payloadOverTheLimit() throws Exception {
        send("echo", "{\"requestId\":\"r-6\",\"text\":\"" + "x".repeat(2000) + "\"}");
        assertEquals(ErrorCodes.PAYLOAD_TOO_LARGE, code(outbox.await("reply/r-6", 1).json()));
        assertEquals(0, echoes.get());
    }

    @Test
    void aReplayedRequestIdReturnsTheStoredReplyAndRunsNothing() throws Exception {
        send("echo", "{\"requestId\":\"r-7\",\"text\":\"first\"}");
        String first = outbox.await("reply/r-7", 1).payload();
        send("echo", "{\"requestId\":\"r-7\",\"text\":\"second\"}");
        assertEquals(first, outbox.await("reply/r-7", 2).payload());
        assertEquals(1, echoes.get());
        awaitAcks(2);
    }

    @Test
    void storedRepliesSurviveARestart() throws Exception {
        send("echo", "{\"requestId\":\"r-8\",\"text\":\"before\"}");
        String first = outbox.await("reply/r-8", 1).payload();
        CommandRouter restarted = new CommandRouter(handlers, new ReplyStore(dir, 10), outbox, executor, 1024,
                Duration.ofSeconds(2));
        restarted.accept("echo", "{\"requestId\":\"r-8\",\"text\":\"after\"}".getBytes(StandardCharsets.UTF_8), () -> { });
        assertEquals(first, outbox.await("reply/r-8", 2).payload());
        assertEquals(1, echoes.get());
    }

    @Test
    void aSlowCommandDoesNotHoldUpTheNext() throws Exception {
        CompletableFuture<Reply> slow = new CompletableFuture<>();
        handlers.put("slow", c -> slow);
        router = new CommandRouter(handlers, new ReplyStore(dir, 10), outbox, executor, 1024, Duration.ofSeconds(5));
        send("slow", "{\"requestId\":\"s-1\"}");
        send("echo", "{\"requestId\":\"e-1\",\"text\":\"quick\"}");
        outbox.await("reply/e-1", 1);
        assertTrue(outbox.messages.stream().noneMatch(m -> m.topic().equals("reply/s-1")));
        slow.complete(Reply.ok(new Command("s-1", "slow", new JsonObject()), new JsonPrimitive("done")));
        assertEquals("done", outbox.await("reply/s-1", 1).json().get("result").getAsString());
    }

    @Test
    void aCommandThatNeverEndsTimesOut() throws Exception {
        handlers.put("hang", c -> new CompletableFuture<>());
        router = new CommandRouter(handlers, new ReplyStore(dir, 10), outbox, executor, 1024, Duration.ofMillis(100));
        send("hang", "{\"requestId\":\"h-1\"}");
        assertEquals(ErrorCodes.TIMEOUT, code(outbox.await("reply/h-1", 1).json()));
    }

    @Test
    void aJobsFinalReplyReplacesAcceptedInTheStore() throws Exception {
        CompletableFuture<Reply> outcome = new CompletableFuture<>();
        handlers.put("job", c -> CompletableFuture.completedFuture(Reply.accepted(c, new JsonPrimitive("queued"), outcome)));
        router = new CommandRouter(handlers, new ReplyStore(dir, 10), outbox, executor, 1024, Duration.ofSeconds(5));
        send("job", "{\"requestId\":\"j-1\"}");
        assertEquals("accepted", outbox.await("reply/j-1", 1).json().get("status").getAsString());
        send("job", "{\"requestId\":\"j-1\"}");
        assertEquals("accepted", outbox.await("reply/j-1", 2).json().get("status").getAsString());
        outcome.complete(Reply.ok(new Command("j-1", "job", new JsonObject()), new JsonPrimitive("committed")));
        Thread.sleep(100);
        send("job", "{\"requestId\":\"j-1\"}");
        JsonObject replay = outbox.await("reply/j-1", 3).json();
        assertEquals("ok", replay.get("status").getAsString());
        assertEquals("committed", replay.get("result").getAsString());
    }

    @Test
    void handlerFailuresBecomeErrorReplies() throws Exception {
        handlers.put("bad", c -> {
            throw new IllegalStateException("boom");
        });
        handlers.put("arg", c -> CompletableFuture.failedFuture(new IllegalArgumentException("no slot conv9")));
        router = new CommandRouter(handlers, new ReplyStore(dir, 10), outbox, executor, 1024, Duration.ofSeconds(2));
        send("bad", "{\"requestId\":\"b-1\"}");
        assertEquals(ErrorCodes.INTERNAL, code(outbox.await("reply/b-1", 1).json()));
        send("arg", "{\"requestId\":\"b-2\"}");
        JsonObject reply = outbox.await("reply/b-2", 1).json();
        assertEquals(ErrorCodes.INVALID_ARGUMENT, code(reply));
        assertTrue(reply.getAsJsonObject("error").get("message").getAsString().contains("conv9"));
        assertFalse(reply.has("result"));
    }

    private void awaitAcks(int n) throws InterruptedException {
        for (int i = 0; i < 200 && acks.get() < n; i++) {
            Thread.sleep(10);
        }
        assertEquals(n, acks.get());
    }
}
