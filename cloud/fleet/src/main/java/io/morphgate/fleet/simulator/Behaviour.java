package io.morphgate.fleet.simulator;

/**
 * How a simulated gateway misbehaves.
 *
 * @param replyDelayMillis          every reply waits this long (a slow device or link)
 * @param crashVerb                 the next command with this verb is not answered: the gateway drops its connection
 *                                  without DISCONNECT (the broker publishes its last will, offline), stays away
 *                                  {@code crashDownMillis}, then comes back; once. Null: never
 * @param crashDownMillis           how long a crashed gateway stays away
 * @param unhealthyAfterBudgetChange after a budget that changes a limit, telemetry shows a fifth of requests failing
 *                                  and p99 six times higher (until a later budget change restores the first one)
 */
public record Behaviour(long replyDelayMillis, String crashVerb, long crashDownMillis, boolean unhealthyAfterBudgetChange) {

    public static final Behaviour HEALTHY = new Behaviour(0, null, 0, false);

    public Behaviour withoutCrash() {
        return new Behaviour(replyDelayMillis, null, crashDownMillis, unhealthyAfterBudgetChange);
    }
}
