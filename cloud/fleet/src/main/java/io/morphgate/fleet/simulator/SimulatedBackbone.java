package io.morphgate.fleet.simulator;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

import com.google.gson.JsonObject;

import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.console.Payloads;

/**
 * What a simulated gateway serves: the built-in Fashion-MNIST CNN's three slots, its pins, its budget, and the
 * serving window's figures. It builds the api records, so {@code io.morphgate.wire} writes them as a real gateway
 * does. Thread-safe (one lock: commands and telemetry come from different threads).
 */
final class SimulatedBackbone {

    static final ModelDescriptor MODEL = new ModelDescriptor("fashion-mnist", "1.0.0", "simulated", "model.onnx",
            new ModelDescriptor.Input("input", 1, 28, 28, 0, ModelDescriptor.ChannelOrder.RGB, List.of(0.2860),
                    List.of(0.3530)),
            new ModelDescriptor.Output("logits"), List.of(), null, null, 0.91);

    private static final List<SlotSpec> SLOTS = List.of(
            slot("conv1", 0, new TensorShape(1, 28, 28), new TensorShape(32, 28, 28)),
            slot("conv2", 1, new TensorShape(32, 14, 14), new TensorShape(64, 14, 14)),
            slot("conv3", 2, new TensorShape(64, 7, 7), new TensorShape(128, 7, 7)));

    private final String backboneId;
    private final Map<String, String> pins = new TreeMap<>();
    private final JsonObject budget = Payloads.budgetExactly(new JsonObject());
    private long generation = 1;
    private boolean unhealthy;

    SimulatedBackbone(String backboneId) {
        this.backboneId = backboneId;
    }

    private static SlotSpec slot(String name, int index, TensorShape in, TensorShape out) {
        long params = 9L * in.channels() * out.channels() + out.channels();
        return new SlotSpec(name, index, in, out, 3, "Conv_" + index, params, params * out.height() * out.width(), 1,
                SlotSpec.Activation.RELU, false);
    }

    /** The variant ids a slot takes besides "default". */
    static List<String> variantsOf(String slot) {
        return List.of("lowrank-" + slot + "-b0.5", "lowrank-" + slot + "-b0.25", "depthwise-" + slot);
    }

    static boolean hasSlot(String slot) {
        return SLOTS.stream().anyMatch(s -> s.name().equals(slot));
    }

    synchronized ModelStatus status() {
        List<SlotState> slots = new ArrayList<>();
        for (SlotSpec s : SLOTS) {
            Optional<String> pinned = Optional.ofNullable(pins.get(s.name()));
            slots.add(new SlotState(s, pinned.filter(v -> !"default".equals(v)), pinned));
        }
        long params = SLOTS.stream().mapToLong(SlotSpec::defaultParams).sum();
        long macs = SLOTS.stream().mapToLong(SlotSpec::defaultMacs).sum();
        return new ModelStatus(backboneId, ModelStatus.State.SERVING, configuration(), generation, params, macs, slots,
                List.of(), List.of(), Optional.empty(), 1, Optional.of(MODEL));
    }

    private Configuration configuration() {
        Map<String, String> active = new LinkedHashMap<>();
        pins.forEach((slot, variant) -> {
            if (!"default".equals(variant)) {
                active.put(slot, variant);
            }
        });
        return new Configuration(active);
    }

    /** Applies pins (variant "default" holds a slot on its layer); a swap follows, so a new generation. */
    synchronized void pin(Map<String, String> bySlot) {
        pins.putAll(bySlot);
        generation++;
    }

    synchronized void unpin(List<String> slots) {
        slots.forEach(pins::remove);
        generation++;
    }

    /** The budget verb: an absent field keeps its value, null removes the limit. True when a limit changed. */
    synchronized boolean setBudget(JsonObject limits) {
        boolean changed = false;
        for (String name : Payloads.BUDGET_LIMITS) {
            if (limits.has(name) && !limits.get(name).equals(budget.get(name))) {
                budget.add(name, limits.get(name));
                changed = true;
            }
        }
        return changed;
    }

    /** The budget in force, all four limits, an unset one null. */
    synchronized JsonObject budget() {
        return budget.deepCopy();
    }

    synchronized void unhealthy(boolean value) {
        unhealthy = value;
    }

    synchronized boolean unhealthy() {
        return unhealthy;
    }

    /** One minute's figures: about 2 ms median and 4 ms p99 when healthy; a fifth failing and p99 x6 when not. */
    synchronized ServingStatistics serving(long totalRequests) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long requests = 600 + random.nextInt(60);
        double p50 = 2.0 + random.nextDouble(0.2);
        double p99 = 4.0 + random.nextDouble(0.4);
        long failures = 0;
        if (unhealthy) {
            p99 *= 6;
            failures = requests / 5;
        }
        return new ServingStatistics(60, requests, failures, requests / 60.0, p50, p99, totalRequests);
    }
}
