package io.morphgate.control.mqtt.internal.handler;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

import com.google.gson.JsonObject;

import io.morphgate.api.deployment.Deployer;
import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentRequest;
import io.morphgate.api.deployment.JobOutcome;
import io.morphgate.api.deployment.JobProgress;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ConfigurationProfile;
import io.morphgate.api.model.PlanOutcome;
import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import java.util.OptionalDouble;
import io.morphgate.control.mqtt.internal.command.Command;
import io.morphgate.control.mqtt.internal.command.CommandException;
import io.morphgate.control.mqtt.internal.command.Json;

/** Fakes of the services the handlers use. */
final class Fakes {

    private Fakes() {
    }

    static Command command(String verb, String json) {
        try {
            return new Command("r-1", verb, Json.parse(json).getAsJsonObject());
        } catch (CommandException e) {
            throw new AssertionError(e);
        }
    }

    static ModelStatus statusOf(Map<String, String> configuration) {
        List<SlotState> slots = java.util.stream.IntStream.rangeClosed(1, 4)
                .mapToObj(i -> new SlotState(new SlotSpec("conv" + i, i - 1, new TensorShape(8, 8, 8),
                        new TensorShape(8, 8, 8), 3, "Conv", 576, 36864), Optional.ofNullable(configuration.get("conv" + i)),
                        Optional.empty()))
                .toList();
        // the variants the handler tests pin: "v" on conv2, "a" on conv1
        List<VariantState> variants = List.of(offered("v", "conv2"), offered("a", "conv1"));
        return new ModelStatus("backbone-test", ModelStatus.State.SERVING, new Configuration(configuration), 2, 100, 1000,
                slots, variants, List.of(), Optional.empty());
    }

    private static VariantState offered(String id, String slot) {
        return new VariantState(new VariantDescriptor(id, OperatorKind.LOW_RANK, slot, Map.of(), 10, 100,
                Provenance.SYNTHETIC, "test", OptionalDouble.empty()), 7, true, Optional.empty(), false,
                OptionalDouble.empty());
    }

    /**
     * Records pins, unpins and activations; unknown slots fail as the backbone does. Two models are installed:
     * {@code fashion-mnist} serves, {@code resnet18} is available, {@code broken} fails its check when activated.
     */
    static final class Model implements ModelControl {
        final List<String> calls = new ArrayList<>();
        String serving = "fashion-mnist";

        @Override
        public List<InstalledModel> models() {
            return java.util.stream.Stream.of("fashion-mnist", "resnet18", "broken").map(id -> new InstalledModel(id,
                    "1.0.0", id.length(), "00", id.equals(serving) ? InstalledModel.State.SERVING
                            : InstalledModel.State.AVAILABLE, Optional.empty(), 0, 10, 100, Optional.empty())).toList();
        }

        @Override
        public CompletionStage<ModelStatus> activateModel(String id) {
            calls.add("activate " + id);
            if (id.equals("broken")) {
                return CompletableFuture.failedFuture(new IllegalStateException("model broken cannot serve: NaN"));
            }
            serving = id;
            return CompletableFuture.completedFuture(status());
        }

        @Override
        public ModelStatus status() {
            return statusOf(Map.of());
        }

        @Override
        public CompletionStage<ModelStatus> pin(String slot, String variantId) {
            calls.add("pin " + slot + "=" + variantId);
            return slot.startsWith("conv") ? CompletableFuture.completedFuture(statusOf(Map.of(slot, variantId)))
                    : CompletableFuture.failedFuture(new IllegalArgumentException("unknown slot " + slot));
        }

        @Override
        public CompletionStage<ModelStatus> unpin(String slot) {
            calls.add("unpin " + slot);
            return CompletableFuture.completedFuture(status());
        }

        @Override
        public CompletionStage<ModelStatus> pin(Map<String, String> variantBySlot) {
            calls.add("pin " + variantBySlot);
            return CompletableFuture.completedFuture(statusOf(variantBySlot));
        }

        @Override
        public CompletionStage<ModelStatus> unpin(Collection<String> slots) {
            calls.add("unpin " + slots);
            return CompletableFuture.completedFuture(status());
        }

        @Override
        public CompletionStage<PlanOutcome> propose(Configuration plan, double minAgreement, String trigger) {
            throw new UnsupportedOperationException("the handlers never propose plans");
        }

        @Override
        public CompletionStage<ModelStatus> withdrawPlan() {
            throw new UnsupportedOperationException("the handlers never withdraw plans");
        }

        @Override
        public CompletionStage<ConfigurationProfile> profile(Configuration configuration, int runs) {
            throw new UnsupportedOperationException("the handlers never profile");
        }
    }

    /** Records requests; the job completes when the test says so. */
    static final class Jobs implements Deployer {
        final List<DeploymentRequest> requests = new ArrayList<>();
        final List<String> uploads = new ArrayList<>();
        final java.util.Set<Long> protectedIds = new java.util.HashSet<>();
        final CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
        Consumer<JobProgress> progress;
        DeploymentException refusal;

        @Override
        public boolean isProtected(long bundleId) {
            return protectedIds.contains(bundleId);
        }

        @Override
        public CompletionStage<JobOutcome> submit(DeploymentRequest request, Consumer<JobProgress> progress)
                throws DeploymentException {
            if (refusal != null) {
                throw refusal;
            }
            requests.add(request);
            this.progress = progress;
            return outcome;
        }

        @Override
        public Optional<JobOutcome> outcome(String requestId) {
            return Optional.empty();
        }

        @Override
        public java.util.concurrent.CompletionStage<List<JobOutcome>> recovered() {
            return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public void upload(String uploadId, int index, int count, byte[] bytes) {
            uploads.add(uploadId + " " + index + "/" + count + " " + bytes.length);
        }
    }

    /** A bundle context that knows the given bundles (symbolic name, protected header). */
    static BundleContext context(Bundle... bundles) {
        return (BundleContext) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {BundleContext.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundles" -> bundles;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static Bundle bundle(long id, String symbolicName, boolean protectedHeader) {
        Hashtable<String, String> headers = new Hashtable<>();
        if (protectedHeader) {
            headers.put("Morphgate-Protected", "true");
        }
        return (Bundle) Proxy.newProxyInstance(Fakes.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> symbolicName;
                    case "getVersion" -> Version.emptyVersion;
                    case "getState" -> Bundle.ACTIVE;
                    case "getHeaders" -> headers;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> symbolicName;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    static JsonObject json(String text) {
        try {
            return Json.parse(text).getAsJsonObject();
        } catch (CommandException e) {
            throw new AssertionError(e);
        }
    }
}
