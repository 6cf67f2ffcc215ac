package io.morphgate.backbone.internal;

import java.util.Optional;
import java.util.OptionalDouble;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantDescriptor;

/**
 * A variant service as the backbone sees it: bound, then admitted (its sub-graph fetched and checked against its
 * slot) or refused with a reason. Admission runs on the swap thread, never on the bind thread.
 */
final class OfferedVariant {

    private final OperatorVariant service;
    private final long serviceId;
    private final int ranking;
    private final long bundleId;
    private final long bindOrder;
    private final String slotProperty;
    private final String idProperty;

    private volatile VariantDescriptor descriptor;
    private volatile ModelProto subGraph;
    private volatile String refusal;
    private volatile OptionalDouble agreement = OptionalDouble.empty();

    OfferedVariant(OperatorVariant service, long serviceId, int ranking, long bundleId, long bindOrder,
            String slotProperty, String idProperty) {
        this.service = service;
        this.serviceId = serviceId;
        this.ranking = ranking;
        this.bundleId = bundleId;
        this.bindOrder = bindOrder;
        this.slotProperty = slotProperty;
        this.idProperty = idProperty;
    }

    OperatorVariant service() {
        return service;
    }

    long serviceId() {
        return serviceId;
    }

    int ranking() {
        return ranking;
    }

    long bindOrder() {
        return bindOrder;
    }

    /** The id, from the descriptor once admitted, else from the service property. */
    String id() {
        VariantDescriptor d = descriptor;
        return d != null ? d.id() : idProperty;
    }

    /** The slot and id its service properties name (what the service registry shows to everyone else). */
    String slotProperty() {
        return slotProperty;
    }

    String idProperty() {
        return idProperty;
    }

    /** The target slot, from the descriptor once admitted, else from the service property. */
    String slot() {
        VariantDescriptor d = descriptor;
        return d != null ? d.slot() : slotProperty;
    }

    boolean isPending() {
        return subGraph == null && refusal == null;
    }

    boolean isAccepted() {
        return subGraph != null && refusal == null;
    }

    Optional<String> refusal() {
        return Optional.ofNullable(refusal);
    }

    ModelProto subGraph() {
        return subGraph;
    }

    Optional<VariantDescriptor> descriptor() {
        return Optional.ofNullable(descriptor);
    }

    void admit(VariantDescriptor descriptor, ModelProto subGraph) {
        this.descriptor = descriptor;
        this.subGraph = subGraph;
    }

    void describe(VariantDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    void agreement(double fraction) {
        this.agreement = OptionalDouble.of(fraction);
    }

    void refuse(String reason) {
        this.refusal = reason;
    }

    VariantState state(boolean active) {
        return new VariantState(descriptor, bundleId, isAccepted(), refusal(), active, agreement);
    }
}
