package io.morphgate.api.model;

import java.util.OptionalDouble;

/**
 * What became of a plan proposed with {@link ModelControl#propose}.
 *
 * @param proposed   the configuration the plan asked for, pins applied
 * @param committed  true when the proposed configuration is serving (also when it already was)
 * @param serving    the configuration serving once the proposal was handled
 * @param agreement  fraction of the calibration images on which the proposed configuration predicted what the
 *                   previous one predicted; empty when no check ran (nothing changed, or no calibration images)
 * @param detail     for a person: why it was rolled back, or what was committed
 */
public record PlanOutcome(Configuration proposed, boolean committed, Configuration serving, OptionalDouble agreement,
        String detail) {
}
