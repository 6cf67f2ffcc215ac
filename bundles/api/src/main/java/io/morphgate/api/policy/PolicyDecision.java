package io.morphgate.api.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;

/**
 * One decision of the policy: why it planned, from which figures, what it chose and what became of it.
 *
 * @param decidedAt               when the decision was made
 * @param trigger                 what caused it, for a person (e.g. {@code budget changed}, {@code overload: p50 ...})
 * @param budget                  the budget in force
 * @param latencyFactor           factor applied to the profiled latencies (1 when the device is idle; above 1 when
 *                                measured latency ran above the profile, under load or after a swap)
 * @param previous                the configuration serving before the decision
 * @param chosen                  the configuration the policy asked for (pins included)
 * @param outcome                 what became of it
 * @param pinnedSlots             slots held by a manual pin, which the policy left alone
 * @param expectedAccuracy        accuracy the accuracy model predicts for {@code chosen} (NaN when unknown)
 * @param predictedLatencyMillis  latency of {@code chosen} predicted from the profiles, factor applied
 * @param measuredLatencyMillis   latency measured on the device that led to or followed the decision (NaN if none)
 * @param macs                    multiply-accumulates per sample of {@code chosen}
 * @param params                  parameters of {@code chosen}
 * @param weightBytes             bytes of weights of {@code chosen}
 * @param agreement               health check: agreement of {@code chosen} with {@code previous} on the calibration
 *                                images, when a check ran
 * @param candidates              variants the search considered, per slot (the default layer not counted)
 * @param combinationsExamined    leaves and pruned branches the exact search visited
 * @param decisionMillis          time the search took
 * @param profilesMeasured        variants profiled on the device for this decision (0 when all came from the store)
 * @param detail                  for a person: the health check's verdict, why nothing fits, ...
 */
public record PolicyDecision(Instant decidedAt, String trigger, Budget budget, double latencyFactor,
        Configuration previous, Configuration chosen, Outcome outcome, List<String> pinnedSlots,
        double expectedAccuracy, double predictedLatencyMillis, double measuredLatencyMillis, long macs, long params,
        long weightBytes, OptionalDouble agreement, Map<String, Integer> candidates, long combinationsExamined,
        double decisionMillis, int profilesMeasured, String detail) {

    public PolicyDecision {
        pinnedSlots = List.copyOf(pinnedSlots);
        candidates = Map.copyOf(candidates);
    }

    /** What became of a decision. */
    public enum Outcome {
        /** The chosen configuration passed its health check and serves. */
        COMMITTED,
        /** The chosen configuration was already serving. */
        UNCHANGED,
        /** The chosen configuration failed its health check; the previous one still serves. */
        ROLLED_BACK,
        /** Nothing fits the budget; the configuration with the lowest cost in the violated limit was chosen. */
        INFEASIBLE,
        /** The backbone could not compose or profile what was needed; the previous configuration still serves. */
        FAILED
    }
}
