package io.morphgate.policy.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(pid = "morphgate.policy", name = "Morphgate policy",
        description = "How the policy profiles variants, checks plans and follows the load. The budget itself is PID"
                + " morphgate.budget (maxLatencyMillis, maxMacs, maxParams, maxMemoryBytes; absent = no limit).")
@interface PolicyConfiguration {

    @AttributeDefinition(description = "A new configuration serves only if its predictions agree with the serving"
            + " configuration's on at least this fraction of the calibration images")
    double minAgreement() default 0.75;

    @AttributeDefinition(description = "Timed single inferences per profile (after warm-up)")
    int profileRuns() default 50;

    @AttributeDefinition(description = "How often the policy looks at the variants, the pins and the load")
    long tickMillis() default 500;

    @AttributeDefinition(description = "Seconds of serving statistics a load measurement covers (1 to 60)")
    int loadWindowSeconds() default 3;

    @AttributeDefinition(description = "Which latency of the serving statistics is held to the latency budget: 50"
            + " (median) or 99 (tail). On a lightly loaded device the median hardly moves with concurrency; the tail"
            + " does")
    int loadPercentile() default 50;

    @AttributeDefinition(description = "Requests a load measurement needs in its window to count")
    int minRequests() default 20;

    @AttributeDefinition(description = "Consecutive measurements above the latency budget before stepping down")
    int overBudgetTicks() default 2;

    @AttributeDefinition(description = "Consecutive measurements below headroom x budget before stepping up")
    int headroomTicks() default 6;

    @AttributeDefinition(description = "A step up must fit under this fraction of the latency budget")
    double headroom() default 0.75;

    @AttributeDefinition(description = "No load-driven step within this time of the previous one (at least the load"
            + " window, so that a measurement covers one configuration)")
    long cooldownMillis() default 3000;

    @AttributeDefinition(description = "After a swap, re-plans with the measured latency at most this many times")
    int maxClosedLoopRounds() default 2;

    @AttributeDefinition(description = "Nodes the configuration search visits at most; a search stopped by it plans"
            + " with the best configuration found and says in the decision how far from the best it may be")
    long searchNodeLimit() default ConfigurationSearch.DEFAULT_NODE_LIMIT;
}
