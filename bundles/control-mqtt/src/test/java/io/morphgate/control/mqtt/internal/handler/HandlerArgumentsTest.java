package io.morphgate.control.mqtt.internal.handler;

import static io.morphgate.control.mqtt.internal.handler.Fakes.command;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.CommandHandler;
import io.morphgate.control.mqtt.internal.command.ErrorCodes;

/** Each handler refuses wrong or missing fields with INVALID_ARGUMENT naming the field. */
class HandlerArgumentsTest {

    private final Fakes.Model model = new Fakes.Model();
    private final Fakes.Jobs jobs = new Fakes.Jobs();

    static void refused(CommandHandler handler, String verb, String json, String field) {
        CommandException e = assertThrows(CommandException.class, () -> handler.handle(command(verb, json)), json);
        assertEquals(ErrorCodes.INVALID_ARGUMENT, e.code(), e.getMessage());
        assertEquals(Optional.of(field), e.field(), e.getMessage());
    }

    @Test
    void pin() throws Exception {
        PinHandler pin = new PinHandler(model);
        refused(pin, "pin", "{\"requestId\":\"r-1\"}", "slot");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"slot\":\"conv2\"}", "variantId");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"slot\":3,\"variantId\":\"v\"}", "slot");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"slot\":\"conv2\",\"variantId\":[\"v\"]}", "variantId");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"pins\":{}}", "pins");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"pins\":[\"conv2=v\"]}", "pins");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"pins\":{\"conv2\":1}}", "pins.conv2");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"pins\":{\"conv2\":\"v\"},\"slot\":\"conv2\"}", "pins");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"slot\":\"conv9\",\"variantId\":\"v\"}", "slot");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"slot\":\"conv1\",\"variantId\":\"v\"}", "variantId");
        refused(pin, "pin", "{\"requestId\":\"r-1\",\"pins\":{\"conv2\":\"no-such\"}}", "pins.conv2");
        assertTrue(model.calls.isEmpty(), "nothing pinned on refused arguments");
        pin.handle(command("pin", "{\"requestId\":\"r-1\",\"slot\":\"conv2\",\"variantId\":\"v\"}"));
        pin.handle(command("pin", "{\"requestId\":\"r-1\",\"pins\":{\"conv1\":\"a\",\"conv3\":\"default\"}}"));
        assertEquals(List.of("pin conv2=v", "pin {conv1=a, conv3=default}"), model.calls);
    }

    @Test
    void pinReplyIsTheStatusOnceServing() throws Exception {
        var reply = new PinHandler(model).handle(command("pin", "{\"requestId\":\"r-1\",\"slot\":\"conv2\",\"variantId\":\"v\"}"))
                .toCompletableFuture().get();
        assertEquals("ok", reply.status());
        assertEquals("v", reply.result().orElseThrow().getAsJsonObject().getAsJsonObject("configuration")
                .getAsJsonObject("variantBySlot").get("conv2").getAsString());
    }

    @Test
    void unpin() throws Exception {
        UnpinHandler unpin = new UnpinHandler(model);
        refused(unpin, "unpin", "{\"requestId\":\"r-1\"}", "slot");
        refused(unpin, "unpin", "{\"requestId\":\"r-1\",\"slots\":[]}", "slots");
        refused(unpin, "unpin", "{\"requestId\":\"r-1\",\"slots\":[\"conv1\",2]}", "slots[1]");
        refused(unpin, "unpin", "{\"requestId\":\"r-1\",\"slots\":\"conv1\"}", "slots");
        unpin.handle(command("unpin", "{\"requestId\":\"r-1\",\"slots\":[\"conv1\",\"conv2\"]}"));
        unpin.handle(command("unpin", "{\"requestId\":\"r-1\",\"slot\":\"conv3\"}"));
        assertEquals(List.of("unpin [conv1, conv2]", "unpin conv3"), model.calls);
    }

    @Test
    void deploymentVerbs() {
        var context = Fakes.context();
        var events = new io.morphgate.control.mqtt.internal.command.EventPublisher(
                new io.morphgate.control.mqtt.internal.command.RecordingOutbox());
        InstallHandler install = new InstallHandler(() -> Optional.of(jobs), events);
        refused(install, "install", "{\"requestId\":\"r-1\"}", "artifact");
        refused(install, "install", "{\"requestId\":\"r-1\",\"artifact\":\"http://x\"}", "artifact");
        refused(install, "install", "{\"requestId\":\"r-1\",\"artifact\":{\"sha256\":\"" + "a".repeat(64) + "\"}}",
                "artifact.url");
        refused(install, "install", "{\"requestId\":\"r-1\",\"artifact\":{\"url\":\"ftp://x/y.jar\",\"sha256\":\""
                + "a".repeat(64) + "\"}}", "artifact.url");
        refused(install, "install", "{\"requestId\":\"r-1\",\"artifact\":{\"url\":\"https://x/y.jar\",\"sha256\":\"abc\"}}",
                "artifact.sha256");
        refused(install, "install", "{\"requestId\":\"r-1\",\"artifact\":{\"url\":\"https://x/y.jar\",\"sha256\":\""
                + "a".repeat(64) + "\",\"size\":-1}}", "artifact.size");
        // a signature that is not base64, or not the 64 bytes of an Ed25519 signature, is malformed, not a mismatch
        refused(install, "install", "{\"requestId\":\"r-1\",\"artifact\":{\"url\":\"https://x/y.jar\",\"sha256\":\""
                + "a".repeat(64) + "\",\"signature\":\"not base64!\",\"keyId\":\"k\"}}", "artifact.signature");
        refused(install, "install", "{\"requestId\":\"r-1\",\"artifact\":{\"url\":\"https://x/y.jar\",\"sha256\":\""
                + "a".repeat(64) + "\",\"signature\":\"c2ln\",\"keyId\":\"k\"}}", "artifact.signature");
        refused(new UpdateHandler(() -> Optional.of(jobs), events), "update",
                "{\"requestId\":\"r-1\",\"artifact\":{}}", "symbolicName");
        refused(new StopHandler(() -> Optional.of(jobs), events), "stop", "{\"requestId\":\"r-1\"}",
                "symbolicName");
        refused(new StartHandler(() -> Optional.of(jobs), events), "start",
                "{\"requestId\":\"r-1\",\"symbolicName\":true}", "symbolicName");
        refused(new UninstallHandler(() -> Optional.of(jobs), events), "uninstall",
                "{\"requestId\":\"r-1\",\"symbolicName\":\"\"}", "symbolicName");
        refused(new UninstallFeatureHandler(() -> Optional.of(jobs), events), "uninstall-feature",
                "{\"requestId\":\"r-1\"}", "id");
        InstallFeatureHandler feature = new InstallFeatureHandler(() -> Optional.of(jobs), events);
        refused(feature, "install-feature", "{\"requestId\":\"r-1\",\"id\":\"f\",\"bundles\":[]}", "bundles");
        refused(feature, "install-feature", "{\"requestId\":\"r-1\",\"id\":\"f\",\"bundles\":[{\"url\":\"https://x\"}]}",
                "bundles[0].sha256");
        refused(feature, "install-feature", "{\"requestId\":\"r-1\",\"id\":\"f\",\"bundles\":[{\"url\":\"https://x\","
                + "\"sha256\":\"" + "a".repeat(64) + "\",\"signature\":\"%%\"}]}", "bundles[0].signature");
        assertTrue(jobs.requests.isEmpty(), "no job submitted on refused arguments");
    }

    @Test
    void upload() {
        UploadHandler upload = new UploadHandler(() -> Optional.of(jobs));
        refused(upload, "upload", "{\"requestId\":\"r-1\",\"index\":0,\"count\":1,\"data\":\"AA==\"}", "uploadId");
        refused(upload, "upload", "{\"requestId\":\"r-1\",\"uploadId\":\"u/1\",\"index\":0,\"count\":1,\"data\":\"AA==\"}",
                "uploadId");
        refused(upload, "upload", "{\"requestId\":\"r-1\",\"uploadId\":\"u1\",\"index\":1,\"count\":1,\"data\":\"AA==\"}",
                "index");
        refused(upload, "upload", "{\"requestId\":\"r-1\",\"uploadId\":\"u1\",\"index\":0.5,\"count\":1,\"data\":\"AA==\"}",
                "index");
        refused(upload, "upload", "{\"requestId\":\"r-1\",\"uploadId\":\"u1\",\"index\":0,\"count\":0,\"data\":\"AA==\"}",
                "count");
        refused(upload, "upload", "{\"requestId\":\"r-1\",\"uploadId\":\"u1\",\"index\":0,\"count\":1,\"data\":\"%%\"}",
                "data");
        assertTrue(jobs.uploads.isEmpty());
    }

    @Test
    void uploadWithoutDeployerIsUnavailable() {
        CommandException e = assertThrows(CommandException.class, () -> new UploadHandler(Optional::empty).handle(
                command("upload", "{\"requestId\":\"r-1\",\"uploadId\":\"u1\",\"index\":0,\"count\":1,\"data\":\"AA==\"}")));
        assertEquals(ErrorCodes.UNAVAILABLE, e.code());
    }

    @Test
    void budget() {
        BudgetHandler budget = new BudgetHandler(Optional::empty);
        refused(budget, "budget", "{\"requestId\":\"r-1\",\"maxMacs\":-5}", "maxMacs");
        refused(budget, "budget", "{\"requestId\":\"r-1\",\"maxParams\":\"many\"}", "maxParams");
        refused(budget, "budget", "{\"requestId\":\"r-1\",\"maxLatencyMillis\":0}", "maxLatencyMillis");
        refused(budget, "budget", "{\"requestId\":\"r-1\",\"maxMemoryBytes\":1.5}", "maxMemoryBytes");
    }

    @Test
    void budgetReplySaysWhetherAPolicyAppliesIt() throws Exception {
        var stored = new java.util.Hashtable<String, Object>();
        var admin = configurationAdmin(stored);
        for (boolean active : new boolean[] {true, false}) {
            BudgetHandler budget = new BudgetHandler(() -> Optional.of(admin), () -> active);
            var reply = budget.handle(Fakes.command("budget", "{\"requestId\":\"r-1\",\"maxMacs\":5000}"))
                    .toCompletableFuture().get();
            var result = reply.result().orElseThrow().getAsJsonObject();
            assertEquals(active, result.get("policyActive").getAsBoolean(), result.toString());
            assertEquals(5000, result.get("maxMacs").getAsLong());
        }
    }

    @Test
    void aBudgetForOneModelIsStoredApartFromTheGatewaysAndRepliedWithItsModel() throws Exception {
        var stored = new java.util.Hashtable<String, Object>();
        stored.put("maxMacs", 9_000_000L);
        var admin = configurationAdmin(stored);
        BudgetHandler budget = new BudgetHandler(() -> Optional.of(admin), () -> true);
        var result = budget.handle(Fakes.command("budget",
                "{\"requestId\":\"r-1\",\"model\":\"resnet18\",\"maxLatencyMillis\":40}")).toCompletableFuture()
                .get().result().orElseThrow().getAsJsonObject();
        assertEquals("resnet18", result.get("model").getAsString());
        assertEquals(40.0, result.get("maxLatencyMillis").getAsDouble(), 0.0);
        assertTrue(result.get("maxMacs").isJsonNull(), "the model's own limits, not the gateway's: " + result);
        assertEquals(40.0, stored.get("model.resnet18.maxLatencyMillis"));
        assertEquals(9_000_000L, stored.get("maxMacs"), "the gateway's limits are untouched");
        assertEquals(null, stored.get("maxLatencyMillis"));
        refused(budget, "budget", "{\"requestId\":\"r-1\",\"model\":\"../x\",\"maxMacs\":5}", "model");
    }

    @Test
    void budgetReplyOnTheWireHasUnsetLimitsAsNull() throws Exception {
        var stored = new java.util.Hashtable<String, Object>();
        var admin = configurationAdmin(stored);
        var reply = new BudgetHandler(() -> Optional.of(admin), () -> true)
                .handle(Fakes.command("budget", "{\"requestId\":\"r-1\",\"maxMacs\":5000}")).toCompletableFuture().get();
        String wire = io.morphgate.control.mqtt.internal.command.Json.text(reply.toJson());
        assertTrue(wire.contains("\"result\":{\"maxLatencyMillis\":null,\"maxMacs\":5000,\"maxParams\":null,"
                + "\"maxMemoryBytes\":null,\"policyActive\":true}"), wire);
    }

    /** A Configuration Admin whose one configuration keeps its properties in {@code stored}. */
    private static org.osgi.service.cm.ConfigurationAdmin configurationAdmin(
            java.util.Hashtable<String, Object> stored) {
        var configuration = (org.osgi.service.cm.Configuration) java.lang.reflect.Proxy.newProxyInstance(
                HandlerArgumentsTest.class.getClassLoader(), new Class<?>[] {org.osgi.service.cm.Configuration.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> stored;
                    case "updateIfDifferent" -> true;
                    default -> null;
                });
        return (org.osgi.service.cm.ConfigurationAdmin) java.lang.reflect.Proxy.newProxyInstance(
                HandlerArgumentsTest.class.getClassLoader(),
                new Class<?>[] {org.osgi.service.cm.ConfigurationAdmin.class},
                (proxy, method, args) -> method.getName().equals("getConfiguration") ? configuration : null);
    }

    @Test
    void budgetInForceShowsUnsetLimitsAsNull() {
        var properties = new java.util.Hashtable<String, Object>(Map.of("maxMacs", 1000L, "maxLatencyMillis", 2.5));
        var json = BudgetHandler.inForce(properties);
        assertEquals(1000L, json.get("maxMacs").getAsLong());
        assertEquals(2.5, json.get("maxLatencyMillis").getAsDouble());
        assertTrue(json.get("maxParams").isJsonNull());
    }
}
