package io.morphgate.control.mqtt.internal.handler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonObject;

import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.CommandRouter;
import io.morphgate.control.mqtt.internal.command.EventPublisher;
import io.morphgate.control.mqtt.internal.command.RecordingOutbox;
import io.morphgate.control.mqtt.internal.command.ReplyStore;

/**
 * Hostile payloads on the command path: raw bytes and a topic verb go through the router (size limit, strict JSON,
 * request id) into the real handlers of the protocol's verbs (argument decoding), with fake services behind them.
 * Whatever the bytes, the router must not throw, must acknowledge the message exactly once and must answer it with
 * exactly one well-formed reply (on {@code reply/<requestId>}, or {@code event/error} without a usable id).
 *
 * <p>Regression inputs: {@code src/test/resources/.../CommandDecodingFuzzTestInputs/decode/}. Fuzzing:
 * {@code benchmarks/fuzz.sh}.
 */
class CommandDecodingFuzzTest {

    private static final List<String> VERBS = List.of("bundles", "variants", "install", "update", "uninstall", "start",
            "stop", "install-feature", "uninstall-feature", "upload", "budget", "pin", "unpin");
    private static final int MAX_PAYLOAD = 262_144;

    /** Every refusal is logged once, which is right on a gateway and slows fuzzing a hundredfold: quiet here. */
    private static final Logger QUIET = Logger.getLogger("io.morphgate.control.mqtt");
    private static Level level;
    private static Path store;

    @BeforeAll
    static void createStore() throws IOException {
        store = Files.createTempDirectory("morphgate-fuzz-replies");
        level = QUIET.getLevel();
        QUIET.setLevel(Level.OFF);
    }

    @AfterAll
    static void deleteStore() throws IOException {
        QUIET.setLevel(level);
        try (var files = Files.list(store)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
        }
        Files.deleteIfExists(store);
    }

    /** The protocol's field names, so that mutations reach the handlers' argument decoding sooner. */
    @DictionaryEntries({"\"requestId\":", "\"slot\":", "\"slots\":", "\"variantId\":", "\"pins\":",
        "\"artifact\":", "\"url\":", "\"sha256\":", "\"signature\":", "\"keyId\":", "\"size\":",
        "\"symbolicName\":", "\"bundles\":", "\"id\":", "\"uploadId\":", "\"index\":", "\"count\":",
        "\"data\":", "\"maxMacs\":", "\"upload:", "\"https://", "\"default\"", "\"conv1\""})
    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        String verb = data.consumeBoolean() ? data.pickValue(VERBS) : data.consumeString(20);
        byte[] payload = data.consumeRemainingAsBytes();

        RecordingOutbox outbox = new RecordingOutbox();
        CommandRouter router = new CommandRouter(handlers(outbox), new ReplyStore(store, 16), outbox, Runnable::run,
                MAX_PAYLOAD, Duration.ofSeconds(5));
        AtomicInteger acks = new AtomicInteger();
        router.accept(verb, payload, acks::incrementAndGet);

        assertEquals(1, acks.get(), "acknowledged exactly once");
        List<RecordingOutbox.Message> answers = outbox.messages.stream()
                .filter(m -> m.topic().startsWith("reply/") || m.topic().equals("event/error")).toList();
        assertEquals(1, answers.size(), () -> "one answer, got " + outbox.messages);
        JsonObject answer = answers.get(0).json();
        String status = answer.get("status").getAsString();
        assertTrue(List.of("ok", "accepted", "error").contains(status), status);
        if (status.equals("error")) {
            JsonObject error = answer.getAsJsonObject("error");
            assertTrue(!error.get("code").getAsString().isEmpty() && error.has("message"), error::toString);
            assertTrue(!"INTERNAL".equals(error.get("code").getAsString()), () -> "no internal error: " + error);
        }
    }

    private static Map<String, CommandHandler> handlers(RecordingOutbox outbox) {
        Fakes.Model model = new Fakes.Model();
        Fakes.Jobs jobs = new Fakes.Jobs();
        EventPublisher events = new EventPublisher(outbox);
        var context = Fakes.context(Fakes.bundle(0, "org.apache.felix.framework", true),
                Fakes.bundle(7, "io.morphgate.operator.lowrank", false));
        return Map.ofEntries(
                Map.entry("bundles", new BundlesHandler(context, () -> Optional.of(jobs))),
                Map.entry("variants", new VariantsHandler(model)),
                Map.entry("install", new InstallHandler(() -> Optional.of(jobs), events)),
                Map.entry("update", new UpdateHandler(() -> Optional.of(jobs), events)),
                Map.entry("uninstall", new UninstallHandler(() -> Optional.of(jobs), events)),
                Map.entry("start", new StartHandler(() -> Optional.of(jobs), events)),
                Map.entry("stop", new StopHandler(() -> Optional.of(jobs), events)),
                Map.entry("install-feature", new InstallFeatureHandler(() -> Optional.of(jobs), events)),
                Map.entry("uninstall-feature", new UninstallFeatureHandler(() -> Optional.of(jobs), events)),
                Map.entry("upload", new UploadHandler(() -> Optional.of(jobs))),
                Map.entry("budget", new BudgetHandler(Optional::empty)),
                Map.entry("pin", new PinHandler(model)),
                Map.entry("unpin", new UnpinHandler(model)));
    }
}
