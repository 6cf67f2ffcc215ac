package io.morphgate.api.model;

import java.time.Instant;

/**
 * One committed switch to a new composed model.
 *
 * @param generation     generation of the new composed model
 * @param configuration  its configuration
 * @param trigger        what caused it, for a person (e.g. {@code variant bound: lowrank-conv2-b0.5})
 * @param triggeredAt    when the trigger arrived
 * @param servingAt      when the new model started serving
 * @param composeMillis  time to compose and check the graph
 * @param sessionMillis  time to create the runtime session
 * @param warmupMillis   time of the warm-up inference
 */
public record SwapRecord(long generation, Configuration configuration, String trigger, Instant triggeredAt,
        Instant servingAt, double composeMillis, double sessionMillis, double warmupMillis) {
}
