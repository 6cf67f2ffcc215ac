package io.morphgate.itests.benchmarks;

import java.util.HashMap;
import java.util.Map;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.itests.BackboneFiles;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.SlotBoundary;

/**
 * The graph a configuration composes to, built outside the backbone from the bundled backbone model and the
 * registered variants' sub-graphs, so that a benchmark can run it in its own ONNX Runtime session next to the
 * gateway's.
 */
final class ComposedGraphs {

    private ComposedGraphs() {
    }

    /** The backbone bundle's model with each slot of {@code variantBySlot} replaced by that registered variant. */
    static ModelProto compose(BundleContext context, Bundle backbone, Map<String, String> variantBySlot)
            throws InvalidSyntaxException {
        BackboneFiles files = BackboneFiles.of(backbone);
        if (variantBySlot.isEmpty()) {
            return files.model();
        }
        Map<String, SlotBoundary> boundaries = files.slots();
        Map<SlotBoundary, Replacement> replacements = new HashMap<>();
        for (ServiceReference<OperatorVariant> ref : context.getServiceReferences(OperatorVariant.class, null)) {
            OperatorVariant v = context.getService(ref);
            try {
                String slot = v.descriptor().slot();
                if (v.descriptor().id().equals(variantBySlot.get(slot))) {
                    replacements.put(boundaries.get(slot),
                            new Replacement(v.descriptor().id(), OnnxModelIO.read(v.subGraph())));
                }
            } finally {
                context.ungetService(ref);
            }
        }
        if (replacements.size() != variantBySlot.size()) {
            throw new IllegalStateException("not every variant of " + variantBySlot + " is registered");
        }
        return GraphComposer.compose(files.model(), replacements);
    }
}
