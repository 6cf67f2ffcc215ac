package io.morphgate.fleet.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import org.eclipse.paho.client.mqttv3.MqttException;

import io.morphgate.fleet.mqtt.BrokerSettings;

/**
 * Many simulated gateways in one JVM, ids {@code <prefix>-0001}..., gateway i starting its node list at node
 * i mod n so the sessions spread over the cluster. Owns the threads they share.
 */
public final class Simulation implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Simulation.class.getName());

    private final List<SimulatedGateway> gateways = new ArrayList<>();
    private final ExecutorService workers = Executors.newFixedThreadPool(8, daemon("sim-worker"));
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(4, daemon("sim-timer"));

    /**
     * Creates {@code count} gateways and connects them, {@code parallel} at a time (a broker creating hundreds of
     * sessions and JetStream consumers at once times some out); returns when all are connected and subscribed.
     */
    public static Simulation start(BrokerSettings broker, String prefix, int count, long telemetryMillis, int parallel,
            long timeoutMillis) throws MqttException {
        Simulation simulation = new Simulation();
        int nodes = broker.servers().size();
        for (int i = 1; i <= count; i++) {
            String id = String.format("%s-%04d", prefix, i);
            simulation.gateways.add(new SimulatedGateway(id, broker.rotated(i % nodes), simulation.workers,
                    simulation.timer));
        }
        long started = System.nanoTime();
        List<CompletableFuture<Void>> window = new ArrayList<>();
        for (SimulatedGateway g : simulation.gateways) {
            window.add(g.start(telemetryMillis));
            if (window.size() >= parallel) {
                CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).orTimeout(timeoutMillis,
                        TimeUnit.MILLISECONDS).join();
                window.clear();
            }
        }
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).orTimeout(timeoutMillis, TimeUnit.MILLISECONDS)
                .join();
        LOG.info(() -> count + " simulated gateways connected and subscribed in "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
        return simulation;
    }

    public List<SimulatedGateway> gateways() {
        return List.copyOf(gateways);
    }

    public SimulatedGateway gateway(String id) {
        return gateways.stream().filter(g -> g.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no simulated gateway " + id));
    }

    public void behave(Behaviour behaviour) {
        gateways.forEach(g -> g.behave(behaviour));
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        // each close waits for its offline state to be acknowledged: many at once
        ExecutorService closing = Executors.newFixedThreadPool(32, daemon("sim-close"));
        CompletableFuture.allOf(gateways.stream().map(g -> CompletableFuture.runAsync(g::close, closing))
                .toArray(CompletableFuture[]::new)).join();
        closing.shutdown();
        workers.shutdownNow();
        timer.shutdownNow();
    }
}
