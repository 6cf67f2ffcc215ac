package io.morphgate.backbone.internal;

import java.io.File;
import java.lang.System.Logger.Level;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.annotation.bundle.Capability;
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
import io.morphgate.api.inference.InferenceException;
import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.inference.ServingStatistics;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelListener;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.PlanOutcome;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.model.ModelBundleFormat;

/**
 * The backbone: code only. Its model extender finds the model bundles, one model serves at a time; it binds operator
 * variants as they come and go and serves inference on the composed model. Binding only records the change;
 * composing and swapping happen on the swapper's thread. Immediate: the backbone serves (and keeps its session warm)
 * whether or not a consumer holds its services, and its services stay registered with no model at all.
 */
@Component(service = {InferenceService.class, ModelControl.class}, configurationPid = "morphgate.backbone",
        immediate = true)
@Designate(ocd = BackboneConfiguration.class)
@Capability(namespace = "osgi.extender", name = ModelBundleFormat.EXTENDER,
        version = ModelBundleFormat.EXTENDER_VERSION)
public class Backbone implements InferenceService, ModelControl {

    private static final System.Logger LOG = System.getLogger(Backbone.class.getName());

    private final VariantRegistry registry = new VariantRegistry();
    /** Pins set at runtime, per model id, each kept in a store of its own. */
    private final Map<String, Map<String, String>> runtimePins = new ConcurrentHashMap<>();
    private final Map<String, PinStore> pinStores = new ConcurrentHashMap<>();
    private final BundleContext context;
    private final Bundle systemBundle;
    private volatile Map<String, String> configuredPins = Map.of();
    private volatile boolean stopped;
    private final SwapJournal journal;
    private final ServingModel serving;
    private final ModelSwapper swapper;
    private final SessionFactory sessions;
    private final ModelExtender extender;
    private final LatencyWindow window = new LatencyWindow();

    @Activate
    public Backbone(BundleContext context, BackboneConfiguration config) {
        this.context = context;
        this.systemBundle = context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        this.configuredPins = PinParser.parse(config.pins());
        this.journal = new SwapJournal(config.recentSwapsKept());
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        this.serving = new ServingModel(environment);
        this.sessions = new SessionFactory(environment, config.intraOpThreads(), config.allowSpinning());
        this.swapper = new ModelSwapper(environment, registry, this::pins, sessions, serving, journal,
                config.warmupRuns(), config.coalesceMillis(), config.unplannedSlots());
        File chosen = context.getDataFile("active-model");
        this.extender = new ModelExtender(context, swapper, sessions, serving,
                new PreferredModel(chosen == null ? null : chosen.toPath()));
        extender.open();
        LOG.log(Level.INFO, "backbone started; serving the model bundles it finds");
    }

    @Modified
    void modified(BackboneConfiguration config) {
        configuredPins = PinParser.parse(config.pins());
        swapper.setUnplannedSlots(config.unplannedSlots());
        swapper.request("configuration changed: pins " + configuredPins);
    }

    @Deactivate
    void deactivate() {
        stopped = true;
        swapper.close();
        extender.close();
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
    public Optional<ModelDescriptor> model() {
        return answering().map(BackboneArtifacts::descriptor);
    }

    @Override
    public TensorShape inputShape() {
        return answering().map(BackboneArtifacts::inputShape).orElseThrow(
                () -> new InferenceException(InferenceException.Code.NOT_READY, "no model is serving"));
    }

    @Override
    public List<String> labels() {
        return answering().map(BackboneArtifacts::labels).orElse(List.of());
    }

    /**
     * The model that answers a request made now: the one the serving composed model was built from. It changes the
     * instant a model switch does, a moment before the swapper's bookkeeping ({@link #serving()}) follows.
     */
    private Optional<BackboneArtifacts> answering() {
        return serving.current().map(ComposedModel::model);
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
        ModelSwapper.ActiveModel active = swapper.active();
        return StatusSnapshot.of(active == null ? null : active.artifacts(), registry, serving, journal, pins(),
                stopped, sessions.open());
    }

    @Override
    public List<InstalledModel> models() {
        return extender.models();
    }

    @Override
    public CompletionStage<ModelStatus> activateModel(String id) {
        return extender.activate(id).thenApply(ok -> status());
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
        BackboneArtifacts model = serving().orElse(null);
        if (model == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no model serves: nothing to pin"));
        }
        for (Map.Entry<String, String> pin : variantBySlot.entrySet()) {
            if (model.slot(pin.getKey()).isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("unknown slot " + pin.getKey()
                        + " (model " + model.id() + " has " + model.slots().stream().map(s -> s.name()).toList() + ")"));
            }
            if (!SelectionRule.DEFAULT_LAYER.equals(pin.getValue()) && !registry.hasId(pin.getValue())) {
                return CompletableFuture.failedFuture(new IllegalArgumentException(
                        "no variant " + pin.getValue() + " is bound (slot " + pin.getKey() + ")"));
            }
        }
        PinStore store = pinStore(model.id());
        synchronized (store) {
            Map<String, String> pins = runtimePinsOf(model.id());
            pins.putAll(variantBySlot);
            store.save(Map.copyOf(pins));
        }
        return swapper.request("pinned " + variantBySlot).thenApply(ok -> status());
    }

    @Override
    public CompletionStage<ModelStatus> unpin(Collection<String> slots) {
        BackboneArtifacts model = serving().orElse(null);
        if (model == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no model serves: nothing to unpin"));
        }
        for (String slot : slots) {
            if (model.slot(slot).isEmpty()) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("unknown slot " + slot));
            }
        }
        PinStore store = pinStore(model.id());
        synchronized (store) {
            Map<String, String> pins = runtimePinsOf(model.id());
            pins.keySet().removeAll(slots);
            store.save(Map.copyOf(pins));
        }
        return swapper.request("unpinned " + slots).thenApply(ok -> status());
    }

    @Override
    public CompletionStage<PlanOutcome> propose(Configuration plan, double minAgreement, String trigger) {
        BackboneArtifacts model = serving().orElse(null);
        if (model == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("no model serves: nothing to plan"));
        }
        for (Map.Entry<String, String> planned : plan.variantBySlot().entrySet()) {
            if (model.slot(planned.getKey()).isEmpty()) {
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

    private Optional<BackboneArtifacts> serving() {
        ModelSwapper.ActiveModel active = swapper.active();
        return Optional.ofNullable(active == null ? null : active.artifacts());
    }

    /** While the framework shuts down, operator bundles stop first; recomposing for each would be wasted work. */
    private boolean frameworkStopping() {
        return systemBundle != null && systemBundle.getState() == Bundle.STOPPING;
    }

    /** Configured pins, overridden slot by slot by the serving model's pins set at runtime. */
    private Map<String, String> pins() {
        Map<String, String> merged = new HashMap<>(configuredPins);
        serving().ifPresent(model -> merged.putAll(runtimePinsOf(model.id())));
        return merged;
    }

    private Map<String, String> runtimePinsOf(String modelId) {
        return runtimePins.computeIfAbsent(modelId, id -> {
            Map<String, String> restored = new ConcurrentHashMap<>(pinStore(id).load());
            if (!restored.isEmpty()) {
                LOG.log(Level.INFO, "runtime pins of model {0} restored: {1}", id, restored);
            }
            return restored;
        });
    }

    private PinStore pinStore(String modelId) {
        return pinStores.computeIfAbsent(modelId, id -> {
            File file = context.getDataFile("runtime-pins-" + id + ".properties");
            return new PinStore(file == null ? null : file.toPath());
        });
    }
}
