package io.morphgate.fleet.rollout;

import java.util.List;

import io.morphgate.fleet.rollout.RolloutStore.Step;

/**
 * The two gates after each wave, as the runner decides them and the API shows them: the share of the wave's
 * commands that did not apply (offline gateways, SKIPPED, not counted), then the share of the changed gateways
 * judged unhealthy. A gate fails when its share is above the rollout's {@code maxBadShare}.
 */
public record WaveGate(String name, long bad, long counted, boolean decided, boolean passed) {

    public static final String APPLY = "apply";
    public static final String HEALTH = "health";

    /** The apply gate of one wave's steps (bad: ERROR or TIMEOUT); decided once no step is PENDING or SENT. */
    public static WaveGate apply(List<Step> wave, double maxBadShare) {
        List<Step> counted = wave.stream().filter(s -> !"SKIPPED".equals(s.applyState())).toList();
        boolean decided = wave.stream().noneMatch(s -> "PENDING".equals(s.applyState()) || "SENT".equals(s.applyState()));
        long bad = counted.stream().filter(s -> "ERROR".equals(s.applyState()) || "TIMEOUT".equals(s.applyState()))
                .count();
        return new WaveGate(APPLY, bad, counted.size(), decided, share(bad, counted.size()) <= maxBadShare);
    }

    /** The health gate of one wave's steps: over those that applied; decided once each of them is judged. */
    public static WaveGate health(List<Step> wave, double maxBadShare) {
        List<Step> changed = wave.stream().filter(s -> "OK".equals(s.applyState())).toList();
        boolean decided = changed.stream().allMatch(s -> s.health() != null);
        long bad = changed.stream().filter(s -> "UNHEALTHY".equals(s.health())).count();
        return new WaveGate(HEALTH, bad, changed.size(), decided, share(bad, changed.size()) <= maxBadShare);
    }

    private static double share(long part, long whole) {
        return whole == 0 ? 0 : part / (double) whole;
    }
}
