package io.morphgate.itests;

import java.util.Arrays;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.condition.Condition;

import io.morphgate.api.model.ModelControl;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantProperties;

/** The gateway with all five operator bundles, and how to wait until it has settled. */
public final class OperatorFeatures {

    public static final List<String> OPERATOR_BUNDLES = List.of("io.morphgate.operator.lowrank",
            "io.morphgate.operator.bottleneck", "io.morphgate.operator.multibranch", "io.morphgate.operator.fire",
            "io.morphgate.operator.depthwise");

    public static final String[] ALL = {"morphgate-core", "morphgate-operator-lowrank", "morphgate-operator-bottleneck",
            "morphgate-operator-multibranch", "morphgate-operator-fire", "morphgate-operator-depthwise"};

    private OperatorFeatures() {
    }

    /**
     * True once the operator bundle has said that it registered every variant it offers (derived ones, computed in the
     * background, included: {@link VariantProperties#OFFER_COMPLETE}) and the backbone has a verdict on each.
     */
    public static boolean settled(ModelControl control, Bundle operator) {
        ServiceReference<?>[] services = operator.getRegisteredServices();
        if (services == null || Arrays.stream(services)
                .noneMatch(ref -> VariantProperties.OFFER_COMPLETE.equals(ref.getProperty(Condition.CONDITION_ID)))) {
            return false;
        }
        long variants = Arrays.stream(services).filter(ref -> Arrays.asList((String[]) ref.getProperty("objectClass"))
                .contains(OperatorVariant.class.getName())).count();
        long verdicts = control.status().variants().stream()
                .filter(v -> v.bundleId() == operator.getBundleId() && (v.accepted() || v.refusalReason().isPresent()))
                .count();
        return verdicts == variants;
    }
}
