package io.morphgate.control.mqtt.internal.handler;

import static io.morphgate.control.mqtt.internal.handler.HandlerArgumentsTest.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;

import com.google.gson.JsonObject;

import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.ErrorCodes;
import io.morphgate.control.mqtt.internal.command.Reply;

class ModelHandlerTest {

    private final Fakes.Model model = new Fakes.Model();
    private final ModelHandler handler = new ModelHandler(model);

    @Test
    void listNamesEveryInstalledModelAndTheOneServing() throws Exception {
        JsonObject result = reply("{\"requestId\":\"r-1\",\"action\":\"list\"}");
        assertEquals("fashion-mnist", result.get("serving").getAsString());
        assertEquals(3, result.getAsJsonArray("models").size());
        JsonObject second = result.getAsJsonArray("models").get(1).getAsJsonObject();
        assertEquals("resnet18", second.get("id").getAsString());
        assertEquals("AVAILABLE", second.get("state").getAsString());
    }

    @Test
    void activateRepliesOnceTheModelServes() throws Exception {
        JsonObject result = reply("{\"requestId\":\"r-1\",\"action\":\"activate\",\"id\":\"resnet18\"}");
        assertEquals("resnet18", result.get("serving").getAsString());
        assertEquals("SERVING", result.getAsJsonObject("status").get("state").getAsString());
        assertEquals(List.of("activate resnet18"), model.calls);
    }

    @Test
    void aModelThatFailsItsCheckIsModelRefusedAndTheOldOneStillServes() {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> reply("{\"requestId\":\"r-1\",\"action\":\"activate\",\"id\":\"broken\"}"));
        CommandException refusal = (CommandException) e.getCause();
        assertEquals(ErrorCodes.MODEL_REFUSED, refusal.code());
        assertTrue(refusal.getMessage().contains("NaN"), refusal.getMessage());
        assertEquals("fashion-mnist", model.serving);
    }

    @Test
    void wrongArgumentsAreRefusedNamingTheField() {
        refused(handler, "model", "{\"requestId\":\"r-1\"}", "action");
        refused(handler, "model", "{\"requestId\":\"r-1\",\"action\":\"delete\"}", "action");
        refused(handler, "model", "{\"requestId\":\"r-1\",\"action\":\"activate\"}", "id");
        refused(handler, "model", "{\"requestId\":\"r-1\",\"action\":\"activate\",\"id\":\"vgg\"}", "id");
        assertTrue(model.calls.isEmpty(), "nothing activated on refused arguments");
    }

    private JsonObject reply(String json) throws Exception {
        Reply reply = handler.handle(Fakes.command("model", json)).toCompletableFuture().get();
        assertEquals("ok", reply.status());
        return reply.result().orElseThrow().getAsJsonObject();
    }
}
