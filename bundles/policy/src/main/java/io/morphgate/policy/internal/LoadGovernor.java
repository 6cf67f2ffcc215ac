package io.morphgate.policy.internal;

import java.util.Optional;

/**
 * Follows the measured latency of the serving configuration against the latency budget, with hysteresis: it asks to
 * step down only after {@code overTicks} consecutive measurements above the budget, and to step up only after
 * {@code headroomTicks} consecutive measurements below {@code headroom} times the budget; measurements in between
 * reset both counts, and no step is taken within {@code cooldownMillis} of the last one. A step carries the new
 * latency factor: measured latency divided by the latency the profiles predict for the serving configuration
 * (never below 1 on the way up; the profiles are taken on an idle device).
 */
final class LoadGovernor {

    /** Which way to go, and the latency factor to plan with. */
    record Step(Direction direction, double latencyFactor, double measuredMillis) {
    }

    enum Direction {
        DOWN, UP
    }

    private final int overTicks;
    private final int headroomTicks;
    private final double headroom;
    private final long cooldownMillis;
    private double factor = 1;
    private int over;
    private int under;
    private long lastStepAt = Long.MIN_VALUE / 2;

    LoadGovernor(int overTicks, int headroomTicks, double headroom, long cooldownMillis) {
        if (overTicks < 1 || headroomTicks < 1 || !(headroom > 0 && headroom < 1) || cooldownMillis < 0) {
            throw new IllegalArgumentException("overTicks and headroomTicks >= 1, 0 < headroom < 1, cooldown >= 0");
        }
        this.overTicks = overTicks;
        this.headroomTicks = headroomTicks;
        this.headroom = headroom;
        this.cooldownMillis = cooldownMillis;
    }

    /** The latency factor plans use now. */
    double factor() {
        return factor;
    }

    /** The fraction of the budget a step up must fit under. */
    double headroom() {
        return headroom;
    }

    /** Raises the factor after a measurement that a swap just made (the closed loop); counts as a step. */
    void raise(double measuredFactor, long nowMillis) {
        factor = Math.max(factor, measuredFactor);
        stepped(nowMillis);
    }

    /** Forgets the counts, e.g. when the budget changes. */
    void reset() {
        over = 0;
        under = 0;
    }

    /**
     * One measurement of the serving configuration: {@code measuredMillis} (NaN without traffic) against
     * {@code budgetMillis}, where the profiles predict {@code predictedMillis} on an idle device.
     */
    Optional<Step> observe(double measuredMillis, double predictedMillis, double budgetMillis, long nowMillis) {
        if (Double.isNaN(measuredMillis) || Double.isInfinite(budgetMillis) || !(predictedMillis > 0)) {
            reset();
            return Optional.empty();
        }
        if (nowMillis - lastStepAt < cooldownMillis) {
            reset();
            return Optional.empty();
        }
        double measuredFactor = measuredMillis / predictedMillis;
        if (measuredMillis > budgetMillis) {
            under = 0;
            if (++over >= overTicks) {
                factor = Math.max(factor, measuredFactor);
                stepped(nowMillis);
                return Optional.of(new Step(Direction.DOWN, factor, measuredMillis));
            }
        } else if (measuredMillis < headroom * budgetMillis) {
            over = 0;
            if (++under >= headroomTicks && factor > 1) {
                factor = Math.max(1, Math.min(factor, measuredFactor));
                stepped(nowMillis);
                return Optional.of(new Step(Direction.UP, factor, measuredMillis));
            }
        } else {
            reset();
        }
        return Optional.empty();
    }

    private void stepped(long nowMillis) {
        lastStepAt = nowMillis;
        reset();
    }
}
