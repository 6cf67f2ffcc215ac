package io.morphgate.itests;

import java.util.List;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;

/** The gateway with all five operator bundles, and how to wait until it has settled. */
public final class OperatorFeatures {

    public static final List<String> OPERATOR_BUNDLES = List.of("io.morphgate.operator.lowrank",
            "io.morphgate.operator.bottleneck", "io.morphgate.operator.multibranch", "io.morphgate.operator.fire",
            "io.morphgate.operator.depthwise");

    /** The operators that also derive variants from the slot weights, in the background, all at once. */
    public static final Set<String> DERIVING = Set.of("io.morphgate.operator.lowrank", "io.morphgate.operator.bottleneck",
            "io.morphgate.operator.depthwise");

    public static final String[] ALL = {"morphgate-core", "morphgate-operator-lowrank", "morphgate-operator-bottleneck",
            "morphgate-operator-multibranch", "morphgate-operator-fire", "morphgate-operator-depthwise"};

    private OperatorFeatures() {
    }

    /**
     * True once the operator bundle has registered all its variants (a deriving operator registers its derived
     * ones together, after the others) and the backbone has a verdict on each.
     */
    public static boolean settled(BundleContext context, ModelControl control, Bundle operator) {
        ServiceReference<?>[] services = operator.getRegisteredServices();
        if (services == null) {
            return false;
        }
        long derived = 0;
        for (ServiceReference<?> ref : services) {
            Object service = context.getService(ref);
            if (service instanceof OperatorVariant v && v.descriptor().provenance() == Provenance.DERIVED) {
                derived++;
            }
            context.ungetService(ref);
        }
        if (DERIVING.contains(operator.getSymbolicName()) && derived == 0) {
            return false;
        }
        long verdicts = control.status().variants().stream()
                .filter(v -> v.bundleId() == operator.getBundleId() && (v.accepted() || v.refusalReason().isPresent()))
                .count();
        return verdicts == services.length;
    }
}
