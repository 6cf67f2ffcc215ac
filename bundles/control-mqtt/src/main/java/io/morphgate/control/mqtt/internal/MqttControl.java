package io.morphgate.control.mqtt.internal;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.paho.client.mqttv3.MqttException;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import com.google.gson.JsonObject;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelListener;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.policy.PolicyListener;
import io.morphgate.api.variant.DerivationListener;
import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.control.mqtt.internal.command.CommandRouter;
import io.morphgate.control.mqtt.internal.command.DerivationEvents;
import io.morphgate.control.mqtt.internal.command.EventPublisher;
import io.morphgate.control.mqtt.internal.command.Json;
import io.morphgate.control.mqtt.internal.command.ReplyStore;
import io.morphgate.control.mqtt.internal.handler.InfoHandler;
import io.morphgate.control.mqtt.internal.transport.LinkSettings;
import io.morphgate.control.mqtt.internal.transport.MqttLink;
import io.morphgate.mqtt.client.BrokerSettings;

/**
 * The control link: wires the MQTT transport, the router and its verb handlers, events and telemetry, and owns the
 * threads they run on. Swaps and refusals reach it as a {@link ModelListener}, the policy's decisions as a
 * {@link PolicyListener}, operators' derivation progress as a {@link DerivationListener}; all go out as events.
 */
@Component(service = {ModelListener.class, PolicyListener.class, DerivationListener.class},
        configurationPid = "morphgate.control.mqtt", immediate = true)
@Designate(ocd = MqttControlConfiguration.class)
public class MqttControl implements ModelListener, PolicyListener, DerivationListener {

    private static final System.Logger LOG = System.getLogger(MqttControl.class.getName());

    @Reference
    private ModelControl model;
    @Reference
    private InferenceService inference;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configurationAdmin;
    /** The operators' reports (skipped slots, derivation progress); they come and go with the operators. */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<OfferReport> offerReports = List.of();

    private volatile Deployer deployer;
    private volatile EventPublisher events;
    private volatile DerivationEvents derivationEvents;
    private volatile ExecutorService commands;
    private volatile ReplyStore replies;
    private ScheduledExecutorService scheduler;
    private MqttLink link;

    @Activate
    void activate(BundleContext context, MqttControlConfiguration config) throws IOException, MqttException {
        Instant started = Instant.now();
        BrokerSettings broker = BrokerSettings.of(config.brokerUrl(), config.gatewayId(), config.username(),
                config.passwordFile(), config.caCertificateFile(), config.keepAliveSeconds(), context::getProperty);
        String gatewayId = broker.gatewayId();
        Path dataDir = dataDir(context);
        commands = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
                threads("morphgate-control-command"));
        scheduler = new ScheduledThreadPoolExecutor(1, threads("morphgate-control-link"));
        LinkSettings settings = new LinkSettings(broker, Files.createDirectories(dataDir.resolve("control/session")));
        replies = new ReplyStore(dataDir.resolve("control/replies"), config.repliesKept());
        InfoHandler info = new InfoHandler(context, gatewayId, started, model);
        LateOutbox outbox = new LateOutbox();
        events = new EventPublisher(outbox);
        derivationEvents = new DerivationEvents(events, config.derivationEventSlots(), config.derivationEventSeconds(),
                System::nanoTime);
        CommandRouter router = new CommandRouter(new VerbTable(context, model, inference, this::deployer,
                this::configurationAdmin, events, this::offerReports).handlers(info), replies, outbox, commands, config.maxPayloadBytes(),
                Duration.ofSeconds(config.commandTimeoutSeconds()));
        link = new MqttLink(settings, router, () -> onlineState(info, started), scheduler);
        outbox.attach(link);
        link.start();
        if (config.telemetryIntervalSeconds() > 0) {
            scheduler.scheduleAtFixedRate(new Telemetry(link, model, inference, started),
                    config.telemetryIntervalSeconds(), config.telemetryIntervalSeconds(), TimeUnit.SECONDS);
        }
        Deployer present = deployer;
        if (present != null) {
            commands.execute(new RecoveredJobs(present, replies, events));
        }
        LOG.log(Level.INFO, "control link for gateway {0} on {1}, replies in {2}", gatewayId, broker.brokerUrl(),
                dataDir.resolve("control/replies"));
    }

    @Deactivate
    void deactivate() {
        scheduler.shutdownNow();
        commands.shutdownNow();
        link.close();
        try {
            commands.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDeployer(Deployer deployer) {
        this.deployer = deployer;
        ExecutorService executor = commands;
        if (executor != null) { // bound after activation: report the jobs its restart recovered
            executor.execute(new RecoveredJobs(deployer, replies, events));
        }
    }

    void unbindDeployer(Deployer deployer) {
        if (this.deployer == deployer) {
            this.deployer = null;
        }
    }

    @Override
    public void swapped(SwapRecord swap) {
        EventPublisher publisher = events;
        if (publisher != null) {
            publisher.swapped(swap);
        }
    }

    @Override
    public void refused(VariantState variant) {
        EventPublisher publisher = events;
        if (publisher != null) {
            publisher.refused(variant);
        }
    }

    @Override
    public void decided(PolicyDecision decision) {
        EventPublisher publisher = events;
        if (publisher != null) {
            publisher.policy(decision);
        }
    }

    @Override
    public void progressed(DerivationProgress progress) {
        DerivationEvents publisher = derivationEvents;
        if (publisher != null) {
            publisher.progressed(progress);
        }
    }

    private Collection<OfferReport> offerReports() {
        return offerReports;
    }

    private Optional<Deployer> deployer() {
        return Optional.ofNullable(deployer);
    }

    private Optional<ConfigurationAdmin> configurationAdmin() {
        return Optional.ofNullable(configurationAdmin);
    }

    private static byte[] onlineState(InfoHandler info, Instant started) {
        JsonObject state = new JsonObject();
        state.addProperty("status", "online");
        state.addProperty("since", Instant.now().toString());
        info.describe().entrySet().forEach(e -> state.add(e.getKey(), e.getValue()));
        return Json.bytes(state);
    }

    private static Path dataDir(BundleContext context) {
        String configured = context.getProperty("morphgate.data.dir");
        return configured != null && !configured.isBlank() ? Path.of(configured) : context.getDataFile("").toPath();
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
