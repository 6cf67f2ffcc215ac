package io.morphgate.console;

import java.io.PrintWriter;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.client.mqttv3.MqttException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "watch", description = "Prints the gateways' state, telemetry and events as they arrive, until Ctrl-C.")
final class WatchCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Option(names = "--for", description = "Stop after this many seconds (default: until Ctrl-C).")
    Integer seconds;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(stop::countDown, "watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (CloudLink link = CloudLink.connect(connection)) {
            for (String gateway : connection.gateways) {
                link.subscribe(Topics.state(gateway));
                link.subscribe(Topics.telemetry(gateway));
                link.subscribe(Topics.event(gateway, "#"));
            }
            long end = seconds == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (stop.getCount() > 0 && System.nanoTime() - end < 0) {
                CloudLink.Message m = link.inbox().poll(100, TimeUnit.MILLISECONDS);
                if (m != null) {
                    out.println(LocalTime.now().truncatedTo(ChronoUnit.MILLIS) + " " + m.topic() + " " + m.payload());
                    out.flush();
                }
            }
            return Console.EXIT_OK;
        } catch (MqttException e) {
            spec.commandLine().getErr().println("broker " + connection.broker + ": " + e.getMessage());
            return Console.EXIT_NO_REPLY;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: Ctrl-C
            }
        }
    }
}
