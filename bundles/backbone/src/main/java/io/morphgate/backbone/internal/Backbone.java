package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;

import ai.onnxruntime.OrtEnvironment;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.Normalization;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelListener;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.PlanOutcome;
import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorVariant;

/**
 * The backbone: holds the shared parameters, binds operator variants as they come and go, and serves inference on
 * the composed model. Binding only records the change; composing and swapping happen on the swapper's thread.
 * Immediate: the backbone serves (and keeps its session warm) whether or not a consumer holds its services.
 */
@Component(service = {InferenceService.class, ModelControl.class, SlotCatalog.class},
        configurationPid = "morphgate.backbone", immediate = true)
@Designate(ocd = BackboneConfiguration.class)
public class Backbone implements InferenceService, ModelControl, SlotCatalog {

    private static final System.Logger LOG = System.getLogger(Backbone.class.getName());

    private final VariantRegistry registry = new VariantRegistry();
    private final Map<String, String> runtimePins = new ConcurrentHashMap<>();
    private final PinStore pinStore;
    private final BackboneArtifacts artifacts;
    private final Bundle systemBundle;
    private volatile Map<String, String> configuredPins = Map.of();
    private volatile boolean stopped;
    private final SwapJournal journal;
    private final ServingModel serving;
    private final ModelSwapper swapper;
    private final Calibration calibration;
    private final SessionFactory sessions;
    private final LatencyWindow window = new LatencyWindow();

    @Activate
    public Backbone(BundleContext context, BackboneConfiguration config) {
        this.systemBundle = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        long started = System.nanoTime();
        this.artifacts = BackboneArtifacts.loadBundled();
        this.configuredPins = PinParser.parse(config.pins());
        java.io.File pinFile = context.getDataFile("runtime-pins.properties");
        this.pinStore = new PinStore(pinFile == null ? null : pinFile.toPath());
        this.runtimePins.putAll(pinStore.load());
        if (!runtimePins.isEmpty()) {
            LOG.log(Level.INFO, "runtime pins restored: {0}", runtimePins);
        }
        this.journal = new SwapJournal(config.recentSwapsKept());
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        this.serving = new ServingModel(environment, artifacts.inputShape(), artifacts.classCount());
        this.sessions = new SessionFactory(environment, config.intraOpThreads());
        this.calibration = new Calibration(artifacts, environment, sessions);
        this.swapper = new ModelSwapper(artifacts, registry, this::pins, sessions, serving, journal,
                config.warmupRuns(), config.coalesceMillis(), calibration);
        LOG.log(Level.INFO, "backbone {0} loaded: {1} slots {2}, {3} params, {4} MACs ({5} ms)",
                artifacts.manifest().backboneId(), artifacts.slots().size(),
                artifacts.slots().stream().map(SlotSpec::name).toList(), artifacts.defaultCost().params(),
                artifacts.defaultCost().macs(), (System.nanoTime() - started) / 1_000_000);
        swapper.request("backbone activated");
    }

    @Modified
    void modified(BackboneConfiguration config) {
        configuredPins = PinParser.parse(config.pins());
        swapper.request("configuration changed: pins " + configuredPins);
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        swapper.close();
        serving.close();
        LOG.log(Level.INFO, "backbone stopped");
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindVariant(OperatorVariant variant, Map<String, Object> properties) {
        OfferedVariant offered = registry.add(variant, properties);
        swapper.request("variant bound: " + offered.id());
    }

    void unbindVariant(OperatorVariant variant, Map<String, Object> properties) {
        registry.remove(properties).filter(v -> !frameworkStopping())
                .ifPresent(v -> swapper.request("variant unbound: " + v.id()));
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindListener(ModelListener listener) {
        journal.addListener(listener);
    }

    void unbindListener(ModelListener listener) {
        journal.removeListener(listener);
    }

    // --- InferenceService

    @Override
    public TensorShape inputShape() {
        return artifacts.inputShape();
    }

    @Override
    public Normalization normalization() {
        SlotManifest.Normalization n = artifacts.manifest().normalization();
        return new Normalization(n.mean(), n.std());
    }

    @Override
    public List<String> labels() {
        return artifacts.manifest().labels();
    }

    @Override
    public InferenceResult infer(float[] input) {
        return inferBatch(List.of(input)).get(0);
    }

    @Override
    public List<InferenceResult> inferBatch(List<float[]> inputs) {
        try {
            List<InferenceResult> results = serving.inferBatch(inputs);
            if (!results.isEmpty()) {
                window.recordSuccess(results.size(), results.get(0).latencyNanos());
            }
            return results;
        } catch (RuntimeException e) {
            window.recordFailure(inputs.size());
            throw e;
        }
    }

    @Override
    public ServingStatistics statistics() {
        return window.snapshot();
    }

    @Override
    public ServingStatistics statistics(int seconds) {
        return window.snapshot(seconds);
    }

    // --- ModelControl

    @Override
    public ModelStatus status() {
        return StatusSnapshot.of(artifacts, registry, serving, journal, pins(), stopped, sessions.open());
    }

    @Override
    public CompletionStage<ModelStatus> pin(String slot, String variantId) {
        return pin(Map.of(slot, variantId));
    }

    @Override
    public CompletionStage<ModelStatus> unpin(String slot) {
        return unpin(List.of(slot));
    }

    @Override
    public CompletionStage<ModelStatus> pin(Map<String, String> variantBySlot) {
        for (Map.Entry<String, String> pin : variantBySlot.entrySet()) {
            if (artifacts.slot(pin.getKey()).isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("unknown slot " + pin.getKey()));
            }
            if (!SelectionRule.DEFAULT_LAYER.equals(pin.getValue()) && !registry.hasId(pin.getValue())) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "no variant " + pin.getValue() + " is bound (slot " + pin.getKey() + ")"));
            }
        }
        synchronized (pinStore) {
            runtimePins.putAll(variantBySlot);
            pinStore.save(Map.copyOf(runtimePins));
        }
        return swapper.request("pinned " + variantBySlot).thenApply(ok -> status());
    }

    @Override
    public CompletionStage<ModelStatus> unpin(Collection<String> slots) {
        for (String slot : slots) {
            if (artifacts.slot(slot).isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("unknown slot " + slot));
            }
        }
        synchronized (pinStore) {
            runtimePins.keySet().removeAll(slots);
            pinStore.save(Map.copyOf(runtimePins));
        }
        return swapper.request("unpinned " + slots).thenApply(ok -> status());
    }

    @Override
    public CompletionStage<PlanOutcome> propose(Configuration plan, double minAgreement, String trigger) {
        for (Map.Entry<String, String> planned : plan.variantBySlot().entrySet()) {
            if (artifacts.slot(planned.getKey()).isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("unknown slot " + planned.getKey()));
            }
            if (registry.accepted(planned.getValue()).filter(v -> v.slot().equals(planned.getKey())).isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("no accepted variant "
                        + planned.getValue() + " for slot " + planned.getKey()));
            }
        }
        return swapper.propose(plan, minAgreement, trigger);
    }

    @Override
    public CompletionStage<ModelStatus> withdrawPlan() {
        return swapper.withdrawPlan().thenApply(ok -> status());
    }

    @Override
    public CompletionStage<ConfigurationProfile> profile(Configuration configuration, int runs) {
        return swapper.profile(configuration, runs);
    }

    // --- SlotCatalog

    @Override
    public OptionalDouble fullModelAccuracy() {
        Double accuracy = artifacts.manifest().testAccuracy();
        return accuracy == null ? OptionalDouble.empty() : OptionalDouble.of(accuracy);
    }

    @Override
    public String backboneId() {
        return artifacts.manifest().backboneId();
    }

    @Override
    public List<SlotSpec> slots() {
        return artifacts.slots();
    }

    @Override
    public Optional<SlotSpec> slot(String name) {
        return artifacts.slot(name);
    }

    @Override
    public Optional<SlotWeights> weights(String slot) {
        return artifacts.weights(slot);
    }

    @Override
    public List<float[]> calibrationInputs(String slot) {
        return calibration.slotInputs(slot);
    }

    /** While the framework shuts down, operator bundles stop first; recomposing for each would be wasted work. */
    private boolean frameworkStopping() {
        return systemBundle != null && systemBundle.getState() == Bundle.STOPPING;
    }

    /** Configured pins, overridden slot by slot by pins set at runtime. */
    private Map<String, String> pins() {
        Map<String, String> merged = new HashMap<>(configuredPins);
        merged.putAll(runtimePins);
        return merged;
    }
}
