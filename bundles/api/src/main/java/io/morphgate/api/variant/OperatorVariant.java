package io.morphgate.api.variant;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A sub-graph that can fill one slot of the backbone, registered as a service by an operator bundle (one service per
 * slot and variant). The backbone binds these dynamically and composes them into its graph.
 *
 * <p>Register with the service properties of {@link VariantProperties} so that consumers can filter without calling
 * into the bundle.
 */
@ConsumerType
public interface OperatorVariant {

    /** Identity, operator, target slot and costs. */
    VariantDescriptor descriptor();

    /**
     * The serialized ONNX {@code ModelProto} of the sub-graph: exactly one float input of shape
     * [N, C, H, W] of the slot's input spec, exactly one output of the slot's output spec, all weights as
     * initializers. The backbone checks it and refuses the variant with a reason if it does not fit.
     */
    byte[] subGraph();
}
