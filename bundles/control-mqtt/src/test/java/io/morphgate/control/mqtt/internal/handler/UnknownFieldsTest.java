package io.morphgate.control.mqtt.internal.handler;

import static io.morphgate.control.mqtt.internal.handler.Fakes.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.ErrorCodes;
import io.morphgate.control.mqtt.internal.command.EventPublisher;
import io.morphgate.control.mqtt.internal.command.RecordingOutbox;

/**
 * Every verb refuses a field it does not take (the router's one check, {@code Arguments.refuseUnknown} with the
 * handler's {@code fields()}), naming it with its path; every field the protocol documents is taken.
 */
class UnknownFieldsTest {

    private static final String ARTIFACT = "{\"url\":\"https://repo/x.jar\",\"sha256\":\"" + "a".repeat(64)
            + "\",\"signature\":\"" + "A".repeat(86) + "==\",\"keyId\":\"cloud-1\",\"size\":10}";

    private final Fakes.Jobs jobs = new Fakes.Jobs();
    private final EventPublisher events = new EventPublisher(new RecordingOutbox());

    private final Map<String, CommandHandler> verbs = Map.ofEntries(
            Map.entry("info", new InfoHandler(Fakes.context(), "gw", Instant.now(), null)),
            Map.entry("bundles", new BundlesHandler(Fakes.context(), Optional::empty)),
            Map.entry("variants", new VariantsHandler(new Fakes.Model())),
            Map.entry("status", new StatusHandler(new Fakes.Model(), StatusWithoutRequestsTest.idle())),
            Map.entry("budget", new BudgetHandler(Optional::empty)),
            Map.entry("pin", new PinHandler(new Fakes.Model())),
            Map.entry("unpin", new UnpinHandler(new Fakes.Model())),
            Map.entry("install", new InstallHandler(() -> Optional.of(jobs), events)),
            Map.entry("update", new UpdateHandler(() -> Optional.of(jobs), events)),
            Map.entry("start", new StartHandler(() -> Optional.of(jobs), events)),
            Map.entry("stop", new StopHandler(() -> Optional.of(jobs), events)),
            Map.entry("uninstall", new UninstallHandler(() -> Optional.of(jobs), events)),
            Map.entry("install-feature", new InstallFeatureHandler(() -> Optional.of(jobs), events)),
            Map.entry("uninstall-feature", new UninstallFeatureHandler(() -> Optional.of(jobs), events)),
            Map.entry("upload", new UploadHandler(() -> Optional.of(jobs))));

    private void check(String verb, String json) throws CommandException {
        command(verb, json).arguments().refuseUnknown(verbs.get(verb).fields());
    }

    private void refused(String verb, String json, String field) {
        CommandException e = assertThrows(CommandException.class, () -> check(verb, json), json);
        assertEquals(ErrorCodes.INVALID_ARGUMENT, e.code(), e.getMessage());
        assertEquals(Optional.of(field), e.field(), e.getMessage());
    }

    @Test
    void aMisspeltBudgetLimitIsRefusedNamingIt() {
        CommandException e = assertThrows(CommandException.class,
                () -> check("budget", "{\"requestId\":\"b-1\",\"maxMac\":2000000}"));
        assertEquals(Optional.of("maxMac"), e.field());
        assertEquals("maxMac: unknown field; the fields here are [maxLatencyMillis, maxMacs, maxMemoryBytes, "
                + "maxParams, model, requestId]", e.getMessage());
    }

    @Test
    void everyVerbRefusesFieldsItDoesNotTake() {
        for (String verb : verbs.keySet()) {
            refused(verb, "{\"requestId\":\"r-1\",\"verbose\":true}", "verbose");
        }
        refused("install", "{\"requestId\":\"r-1\",\"artifact\":" + ARTIFACT.replace("keyId", "key") + "}",
                "artifact.key");
        refused("update", "{\"requestId\":\"r-1\",\"symbolicName\":\"x\",\"artifact\":" + ARTIFACT + ",\"force\":1}",
                "force");
        refused("install-feature", "{\"requestId\":\"r-1\",\"id\":\"f\",\"bundles\":[" + ARTIFACT + ","
                + ARTIFACT.replace("sha256", "sha") + "]}", "bundles[1].sha");
        refused("pin", "{\"requestId\":\"r-1\",\"slot\":\"conv2\",\"variant\":\"v\"}", "variant");
        refused("unpin", "{\"requestId\":\"r-1\",\"slot\":\"conv2\",\"slotz\":[\"conv1\"]}", "slotz");
        refused("upload", "{\"requestId\":\"r-1\",\"uploadId\":\"u\",\"index\":0,\"count\":1,\"data\":\"AA==\","
                + "\"total\":1}", "total");
    }

    @Test
    void everyDocumentedFieldIsTaken() throws CommandException {
        check("info", "{\"requestId\":\"r-1\"}");
        check("budget", "{\"requestId\":\"r-1\",\"maxLatencyMillis\":4.0,\"maxMacs\":2000000,\"maxParams\":null,"
                + "\"maxMemoryBytes\":1000000}");
        check("pin", "{\"requestId\":\"r-1\",\"slot\":\"conv2\",\"variantId\":\"v\"}");
        // the keys of pins are slot names: taken whole, checked by the handler
        check("pin", "{\"requestId\":\"r-1\",\"pins\":{\"conv1\":\"a\",\"conv3\":\"default\"}}");
        check("unpin", "{\"requestId\":\"r-1\",\"slot\":\"conv2\"}");
        check("unpin", "{\"requestId\":\"r-1\",\"slots\":[\"conv1\",\"conv3\"]}");
        check("install", "{\"requestId\":\"r-1\",\"artifact\":" + ARTIFACT + "}");
        check("update", "{\"requestId\":\"r-1\",\"symbolicName\":\"x\",\"artifact\":" + ARTIFACT + "}");
        for (String verb : new String[] {"start", "stop", "uninstall"}) {
            check(verb, "{\"requestId\":\"r-1\",\"symbolicName\":\"x\"}");
        }
        check("install-feature", "{\"requestId\":\"r-1\",\"id\":\"f\",\"bundles\":[" + ARTIFACT + "," + ARTIFACT + "]}");
        check("uninstall-feature", "{\"requestId\":\"r-1\",\"id\":\"f\"}");
        check("upload", "{\"requestId\":\"r-1\",\"uploadId\":\"u\",\"index\":0,\"count\":1,\"data\":\"AA==\"}");
        assertTrue(jobs.requests.isEmpty(), "checking runs nothing");
    }
}
