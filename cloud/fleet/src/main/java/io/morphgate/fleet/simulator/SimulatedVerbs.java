package io.morphgate.fleet.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import io.morphgate.api.model.ModelStatus;
import io.morphgate.console.Payloads;
import io.morphgate.wire.ModelJson;
import io.morphgate.wire.ServingJson;

/**
 * The verbs a simulated gateway answers, with the reply shapes of docs/protocol.md: {@code info}, {@code status},
 * {@code budget}, {@code pin}, {@code unpin}; any other verb is {@code UNKNOWN_VERB}. Fields a verb does not take
 * are {@code INVALID_ARGUMENT} naming the field, as on a gateway.
 */
final class SimulatedVerbs {

    private static final Map<String, Set<String>> FIELDS = Map.of(
            "info", Set.of(), "status", Set.of(),
            "budget", Set.copyOf(Payloads.BUDGET_LIMITS),
            "pin", Set.of("slot", "variantId", "pins"),
            "unpin", Set.of("slot", "slots"));

    private final String gatewayId;
    private final Instant startedAt;
    private final SimulatedBackbone backbone;
    private final Supplier<Behaviour> behaviour;

    SimulatedVerbs(String gatewayId, Instant startedAt, SimulatedBackbone backbone, Supplier<Behaviour> behaviour) {
        this.gatewayId = gatewayId;
        this.startedAt = startedAt;
        this.backbone = backbone;
        this.behaviour = behaviour;
    }

    /** The reply to one command. */
    JsonObject handle(String verb, String requestId, String payload) {
        try {
            JsonObject command = JsonParser.parseString(payload).getAsJsonObject();
            Set<String> fields = FIELDS.get(verb);
            if (fields == null) {
                throw new Refusal("UNKNOWN_VERB", "the simulated gateway answers " + FIELDS.keySet() + ", not " + verb, null);
            }
            for (String name : command.keySet()) {
                if (!name.equals("requestId") && !fields.contains(name)) {
                    throw new Refusal("INVALID_ARGUMENT", "'" + name + "' is not a field of " + verb + "; fields: " + fields,
                            name);
                }
            }
            return ok(requestId, verb, run(verb, command));
        } catch (Refusal r) {
            return error(requestId, verb, r);
        } catch (RuntimeException e) {
            return error(requestId, verb, new Refusal("INVALID_ARGUMENT", "unreadable command: " + e.getMessage(), null));
        }
    }

    private JsonElement run(String verb, JsonObject command) {
        return switch (verb) {
            case "info" -> describe();
            case "status" -> status();
            case "budget" -> budget(command);
            case "pin" -> pin(command);
            case "unpin" -> unpin(command);
            default -> throw new IllegalStateException(verb);
        };
    }

    /** {@code info}'s result, also the body of the retained {@code state}. */
    JsonObject describe() {
        JsonObject json = new JsonObject();
        json.addProperty("gatewayId", gatewayId);
        JsonObject versions = new JsonObject();
        versions.addProperty("framework", "simulated");
        versions.addProperty("java", System.getProperty("java.version"));
        versions.addProperty("control", "0.1.0.simulated");
        versions.addProperty("backbone", "0.1.0.simulated");
        versions.addProperty("api", "1.2.0");
        json.add("versions", versions);
        json.addProperty("startedAt", startedAt.toString());
        json.addProperty("uptimeSeconds", Duration.between(startedAt, Instant.now()).toSeconds());
        ModelStatus status = backbone.status();
        json.add("model", ModelJson.modelIdentity(SimulatedBackbone.MODEL));
        json.addProperty("backboneId", status.backboneId());
        JsonArray slots = new JsonArray();
        status.slots().forEach(s -> slots.add(ModelJson.slotSpec(s.spec())));
        json.add("slots", slots);
        return json;
    }

    private JsonObject status() {
        JsonObject json = new JsonObject();
        json.add("model", ModelJson.summary(backbone.status()));
        json.add("serving", ServingJson.statistics(backbone.serving(0)));
        return json;
    }

    private JsonObject budget(JsonObject command) {
        JsonObject limits = new JsonObject();
        for (String name : Payloads.BUDGET_LIMITS) {
            if (command.has(name)) {
                JsonElement value = command.get(name);
                if (!value.isJsonNull() && (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()
                        || value.getAsDouble() <= 0)) {
                    throw new Refusal("INVALID_ARGUMENT", name + " must be a positive number or null", name);
                }
                limits.add(name, value);
            }
        }
        if (backbone.setBudget(limits) && behaviour.get().unhealthyAfterBudgetChange()) {
            // a change makes it unhealthy; another change (a rollback) makes it healthy again
            backbone.unhealthy(!backbone.unhealthy());
        }
        JsonObject result = backbone.budget();
        result.addProperty("policyActive", true);
        return result;
    }

    private JsonObject pin(JsonObject command) {
        Map<String, String> pins = new LinkedHashMap<>();
        if (command.has("pins")) {
            command.getAsJsonObject("pins").entrySet().forEach(e -> pins.put(e.getKey(), e.getValue().getAsString()));
        } else {
            pins.put(required(command, "slot"), required(command, "variantId"));
        }
        for (Map.Entry<String, String> pin : pins.entrySet()) {
            String slotField = command.has("pins") ? "pins." + pin.getKey() : "slot";
            checkSlot(pin.getKey(), slotField);
            if (!"default".equals(pin.getValue()) && !SimulatedBackbone.variantsOf(pin.getKey()).contains(pin.getValue())) {
                throw new Refusal("INVALID_ARGUMENT", "no variant '" + pin.getValue() + "' is offered for slot '"
                        + pin.getKey() + "' (see the variants verb)", command.has("pins") ? slotField : "variantId");
            }
        }
        backbone.pin(pins);
        return ModelJson.summary(backbone.status());
    }

    private JsonObject unpin(JsonObject command) {
        List<String> slots = new ArrayList<>();
        if (command.has("slots")) {
            command.getAsJsonArray("slots").forEach(s -> slots.add(s.getAsString()));
        } else {
            slots.add(required(command, "slot"));
        }
        for (int i = 0; i < slots.size(); i++) {
            checkSlot(slots.get(i), command.has("slots") ? "slots[" + i + "]" : "slot");
        }
        backbone.unpin(slots);
        return ModelJson.summary(backbone.status());
    }

    private static void checkSlot(String slot, String field) {
        if (!SimulatedBackbone.hasSlot(slot)) {
            throw new Refusal("INVALID_ARGUMENT", "no slot '" + slot + "'; slots: [conv1, conv2, conv3]", field);
        }
    }

    private static String required(JsonObject command, String name) {
        JsonElement value = command.get(name);
        if (value == null || !value.isJsonPrimitive()) {
            throw new Refusal("INVALID_ARGUMENT", "'" + name + "' is required (a string)", name);
        }
        return value.getAsString();
    }

    private static JsonObject ok(String requestId, String verb, JsonElement result) {
        JsonObject json = head(requestId, verb, "ok");
        json.add("result", result);
        json.addProperty("at", Instant.now().toString());
        return json;
    }

    private static JsonObject error(String requestId, String verb, Refusal r) {
        JsonObject json = head(requestId, verb, "error");
        JsonObject error = new JsonObject();
        error.addProperty("code", r.code);
        error.addProperty("message", r.getMessage());
        error.add("field", r.field == null ? JsonNull.INSTANCE : new JsonPrimitive(r.field));
        json.add("error", error);
        json.addProperty("at", Instant.now().toString());
        return json;
    }

    private static JsonObject head(String requestId, String verb, String status) {
        JsonObject json = new JsonObject();
        json.addProperty("requestId", requestId);
        json.addProperty("verb", verb);
        json.addProperty("status", status);
        return json;
    }

    /** A command refused with a protocol error code. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final String code;
        final String field;

        Refusal(String code, String message, String field) {
            super(message, null, false, false);
            this.code = code;
            this.field = field;
        }
    }
}
