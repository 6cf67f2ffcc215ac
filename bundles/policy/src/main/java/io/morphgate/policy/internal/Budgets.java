package io.morphgate.policy.internal;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.Map;

import io.morphgate.api.budget.Budget;

/**
 * Reads the budget from the properties of PID {@code morphgate.budget} (what the MQTT {@code budget} verb writes): an
 * absent limit is no limit; a limit that is not a positive number is ignored with a warning. A limit set for one model
 * ({@code model.<modelId>.<limit>}) overrides the gateway's ({@code <limit>}) while that model serves.
 */
final class Budgets {

    static final String PID = "morphgate.budget";
    static final String MAX_LATENCY_MILLIS = "maxLatencyMillis";
    static final String MAX_MACS = "maxMacs";
    static final String MAX_PARAMS = "maxParams";
    static final String MAX_MEMORY_BYTES = "maxMemoryBytes";

    private static final System.Logger LOG = System.getLogger(Budgets.class.getName());

    private Budgets() {
    }

    /** Prefix of the limits set for one model: {@code model.<modelId>.}. */
    static final String MODEL_PREFIX = "model.";

    /** The gateway's budget, whatever model serves. */
    static Budget from(Map<String, ?> properties) {
        return from(properties, null);
    }

    /** The budget of model {@code modelId} (null: the gateway's): its own limits, else the gateway's. */
    static Budget from(Map<String, ?> properties, String modelId) {
        Map<String, Object> limits = new HashMap<>();
        for (String name : new String[] {MAX_LATENCY_MILLIS, MAX_MACS, MAX_PARAMS, MAX_MEMORY_BYTES}) {
            Object own = modelId == null ? null : properties.get(MODEL_PREFIX + modelId + "." + name);
            Object value = own != null ? own : properties.get(name);
            if (value != null) {
                limits.put(name, value);
            }
        }
        double latency = positive(limits, MAX_LATENCY_MILLIS);
        return new Budget(latency, whole(limits, MAX_MACS), whole(limits, MAX_PARAMS),
                whole(limits, MAX_MEMORY_BYTES));
    }

    /** The budget with its latency limit multiplied by {@code fraction} (a step up must leave headroom). */
    static Budget withLatencyScaled(Budget budget, double fraction) {
        return new Budget(budget.maxLatencyMillis() * fraction, budget.maxMacs(), budget.maxParams(),
                budget.maxMemoryBytes());
    }

    private static long whole(Map<String, ?> properties, String name) {
        double value = positive(properties, name);
        return Double.isInfinite(value) ? Budget.UNLIMITED : (long) Math.floor(value);
    }

    private static double positive(Map<String, ?> properties, String name) {
        Object raw = properties.get(name);
        if (raw == null) {
            return Double.POSITIVE_INFINITY;
        }
        try {
            double value = raw instanceof Number n ? n.doubleValue() : Double.parseDouble(raw.toString().trim());
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.log(Level.WARNING, "budget {0} = {1} ignored: a limit must be a positive number", name, raw);
        return Double.POSITIVE_INFINITY;
    }
}
