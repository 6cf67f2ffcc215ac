package io.morphgate.deployment.internal;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.condition.Condition;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;
import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantProperties;
import io.morphgate.model.ModelBundleFormat;

/**
 * Is a started bundle healthy? It must be ACTIVE. A model bundle must be judged usable by the backbone's model
 * extender (its descriptor and ONNX file read, a probe run with finite outputs). If it registers operator variants,
 * each must be accepted by the backbone; one refused variant fails it at once. Operators register derived variants a
 * moment after activation, and then say that their offer is complete ({@link VariantProperties#OFFER_COMPLETE}): the
 * check judges as soon as they say so and the backbone has a verdict on every variant. Their variants announce it
 * ({@link VariantProperties#ANNOUNCES_OFFER}), so a slow derivation is waited for, up to the timeout; if it still
 * runs then, the variants offered so far are judged (later ones the backbone judges alone). A bundle whose variants do
 * not announce it (an API 1.1 operator), or that registers none, is judged once its variant count has not changed for
 * {@code settle}.
 */
final class HealthCheck {

    private static final System.Logger LOG = System.getLogger(HealthCheck.class.getName());
    private static final long POLL_MILLIS = 100;

    private final Supplier<Optional<ModelControl>> control;
    private final Duration timeout;
    private final Duration modelTimeout;
    private final Duration settle;

    HealthCheck(Supplier<Optional<ModelControl>> control, Duration timeout, Duration settle) {
        this(control, timeout, timeout, settle);
    }

    /** {@code modelTimeout}: how long a model bundle's check may take ({@code timeout}: an operator's). */
    HealthCheck(Supplier<Optional<ModelControl>> control, Duration timeout, Duration modelTimeout, Duration settle) {
        this.control = control;
        this.timeout = timeout;
        this.modelTimeout = modelTimeout;
        this.settle = settle;
    }

    /** Returns a summary for the journal, or throws HEALTH_CHECK_FAILED with what is wrong. */
    String check(Bundle bundle, Consumer<String> note) throws DeploymentException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        if (bundle.getHeaders("").get(ModelBundleFormat.HEADER) != null) {
            return checkModel(bundle, note, start + modelTimeout.toNanos());
        }
        long lastChange = start;
        TreeSet<String> seen = new TreeSet<>();
        String waitingFor = "the operator to complete its offer, or its variant count to settle";
        while (System.nanoTime() - deadline < 0) {
            if (bundle.getState() != Bundle.ACTIVE) {
                throw failed(bundle, "it is no longer ACTIVE (state " + bundle.getState() + ")");
            }
            TreeSet<String> ids = variantIds(bundle);
            if (!ids.equals(seen)) {
                seen = ids;
                lastChange = System.nanoTime();
                note.accept(ids.size() + " variants registered");
            }
            Optional<String> refused = refusal(bundle, ids);
            if (refused.isPresent()) {
                throw failed(bundle, refused.get());
            }
            boolean complete = offerComplete(bundle);
            if (complete || !announcesOffer(bundle) && System.nanoTime() - lastChange >= settle.toNanos()) {
                if (ids.isEmpty()) {
                    return "ACTIVE, no operator variants";
                }
                List<String> pending = pending(bundle, ids);
                if (pending.isEmpty()) {
                    LOG.log(Level.DEBUG, "health check of {0}: {1} variants accepted {2} ms after it began ({3})",
                            bundle.getSymbolicName(), ids.size(), (System.nanoTime() - start) / 1_000_000,
                            complete ? "offer complete" : "variant count settled");
                    return "ACTIVE, " + ids.size() + " variants accepted";
                }
                waitingFor = "the backbone's verdict on " + pending;
            }
            Thread.sleep(POLL_MILLIS);
        }
        if (announcesOffer(bundle) && !seen.isEmpty() && pending(bundle, seen).isEmpty()) {
            // deriving slower than the timeout is no fault of the bundle: what it offers so far is accepted
            return "ACTIVE, " + seen.size() + " variants accepted; more were still being derived after "
                    + timeout.toSeconds() + " s";
        }
        throw failed(bundle, "timed out after " + timeout.toSeconds() + " s waiting for " + waitingFor);
    }

    /** Waits for the model extender's verdict on a model bundle. */
    private String checkModel(Bundle bundle, Consumer<String> note, long deadline)
            throws DeploymentException, InterruptedException {
        note.accept("waiting for the backbone to read and check the model");
        while (System.nanoTime() - deadline < 0) {
            if (bundle.getState() != Bundle.ACTIVE) {
                throw failed(bundle, "it is no longer ACTIVE (state " + bundle.getState() + ")");
            }
            Optional<InstalledModel> model = control.get().flatMap(c -> c.models().stream()
                    .filter(m -> m.bundleId() == bundle.getBundleId()).findFirst());
            if (model.isPresent() && model.get().state() == InstalledModel.State.REFUSED) {
                throw failed(bundle, "the backbone refused model " + model.get().id() + ": "
                        + model.get().problem().orElse("no reason given"));
            }
            if (model.isPresent() && model.get().state() != InstalledModel.State.LOADING) {
                return "ACTIVE, model " + model.get().id() + " " + model.get().version() + " "
                        + model.get().state().name().toLowerCase(java.util.Locale.ROOT);
            }
            Thread.sleep(POLL_MILLIS);
        }
        throw failed(bundle, "timed out after " + modelTimeout.toSeconds() + " s waiting for the backbone to check the model"
                + (control.get().isEmpty() ? " (no backbone is running)" : ""));
    }

    private static TreeSet<String> variantIds(Bundle bundle) {
        TreeSet<String> ids = new TreeSet<>();
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        for (ServiceReference<?> ref : refs == null ? new ServiceReference<?>[0] : refs) {
            String[] classes = (String[]) ref.getProperty("objectClass");
            if (List.of(classes).contains(OperatorVariant.class.getName())) {
                Object id = ref.getProperty(VariantProperties.VARIANT_ID);
                ids.add(id != null ? id.toString() : "service " + ref.getProperty("service.id"));
            }
        }
        return ids;
    }

    /** True when the bundle has said it registered every variant it offers. */
    private static boolean offerComplete(Bundle bundle) {
        return registered(bundle)
                .anyMatch(ref -> VariantProperties.OFFER_COMPLETE.equals(ref.getProperty(Condition.CONDITION_ID)));
    }

    /** True when the bundle's variants say it will say when its offer is complete. */
    private static boolean announcesOffer(Bundle bundle) {
        return registered(bundle)
                .anyMatch(ref -> Boolean.TRUE.equals(ref.getProperty(VariantProperties.ANNOUNCES_OFFER)));
    }

    private static Stream<ServiceReference<?>> registered(Bundle bundle) {
        ServiceReference<?>[] refs = bundle.getRegisteredServices();
        return refs == null ? Stream.empty() : Arrays.stream(refs);
    }

    private Optional<String> refusal(Bundle bundle, TreeSet<String> ids) {
        return states(bundle).stream().filter(v -> ids.contains(v.descriptor().id()) && !v.accepted()
                && v.refusalReason().isPresent())
                .map(v -> "the backbone refused variant " + v.descriptor().id() + ": " + v.refusalReason().get())
                .findFirst();
    }

    private List<String> pending(Bundle bundle, TreeSet<String> ids) {
        List<String> pending = new ArrayList<>(ids);
        states(bundle).stream().filter(VariantState::accepted).forEach(v -> pending.remove(v.descriptor().id()));
        return pending;
    }

    private List<VariantState> states(Bundle bundle) {
        return control.get().map(c -> c.status().variants().stream()
                .filter(v -> v.bundleId() == bundle.getBundleId()).toList()).orElse(List.of());
    }

    private static DeploymentException failed(Bundle bundle, String why) {
        return new DeploymentException(Code.HEALTH_CHECK_FAILED, bundle.getSymbolicName() + " is not healthy: " + why);
    }
}
