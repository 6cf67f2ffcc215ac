package io.morphgate.fleet;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.morphgate.fleet.simulator.Behaviour;
import io.morphgate.fleet.simulator.SimulatedGateway;
import io.morphgate.fleet.simulator.Simulation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs many protocol-level gateways until interrupted (Ctrl-C: each publishes offline and disconnects). */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulates gateways: each its own persistent MQTT session, retained state, telemetry, and the "
                + "verbs info, status, budget, pin, unpin.")
final class SimulateCommand implements Callable<Integer> {

    @Mixin
    BrokerOptions broker;

    @Option(names = "--count", description = "How many gateways (default: ${DEFAULT-VALUE}).", defaultValue = "100")
    int count;

    @Option(names = "--prefix", description = "Gateway id prefix: <prefix>-0001... (default: ${DEFAULT-VALUE}).",
            defaultValue = "sim")
    String prefix;

    @Option(names = "--telemetry-seconds", description = "Telemetry interval (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    double telemetrySeconds;

    @Option(names = "--parallel-connects", description = "Sessions set up at once (default: ${DEFAULT-VALUE}).",
            defaultValue = "25")
    int parallel;

    @Option(names = "--slow-millis", description = "Every reply waits this long (default: ${DEFAULT-VALUE}).",
            defaultValue = "0")
    long slowMillis;

    @Option(names = "--crash-on", description = "Verb whose next command makes a gateway drop its connection without "
            + "answering (last will: offline), once.")
    String crashVerb;

    @Option(names = "--crash-seconds", description = "How long a crashed gateway stays away (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    double crashSeconds;

    @Option(names = "--unhealthy-after-budget", description = "After a budget change, telemetry shows failures and "
            + "p99 up (a second change heals).")
    boolean unhealthyAfterBudget;

    @Option(names = "--misbehaving", description = "Share of the gateways (0..1, the first ones by id) that get "
            + "--slow-millis, --crash-on and --unhealthy-after-budget (default: ${DEFAULT-VALUE}).", defaultValue = "1")
    double misbehaving;

    @Override
    public Integer call() throws Exception {
        Simulation simulation = Simulation.start(broker.settings(), prefix, count, (long) (telemetrySeconds * 1000),
                parallel, 120_000);
        Behaviour behaviour = new Behaviour(slowMillis, crashVerb, (long) (crashSeconds * 1000), unhealthyAfterBudget);
        int affected = (int) Math.round(misbehaving * count);
        simulation.gateways().stream().limit(affected).forEach(g -> g.behave(behaviour));
        System.out.println(count + " gateways online (" + prefix + "-0001.." + String.format("%s-%04d", prefix, count)
                + "), " + affected + " with " + behaviour + "; Ctrl-C stops them");
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long answered = simulation.gateways().stream().mapToLong(SimulatedGateway::commandsAnswered).sum();
            simulation.close();
            System.out.println("stopped; " + answered + " commands answered");
            stop.countDown();
        }));
        stop.await();
        return Fleet.EXIT_OK;
    }
}
