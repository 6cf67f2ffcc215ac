package io.morphgate.backbone.internal;

import java.lang.System.Logger.Level;
import java.util.Map;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.onnx.GraphComposer;
import io.morphgate.onnx.GraphComposer.Replacement;
import io.morphgate.onnx.GraphException;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Checks each newly bound variant alone against the serving model before it can be chosen: its descriptor, its slot,
 * its service properties, and its sub-graph composed into the model (ONNX validity, boundary shapes); then has its
 * agreement with the full model assessed in the background. A refused variant stays listed with its reason. Runs on
 * the swap thread.
 */
final class VariantAdmission {

    private static final System.Logger LOG = System.getLogger(VariantAdmission.class.getName());

    private final VariantRegistry registry;
    private final SwapJournal journal;

    VariantAdmission(VariantRegistry registry, SwapJournal journal) {
        this.registry = registry;
        this.journal = journal;
    }

    /** Admits or refuses every variant bound since the last call, against {@code model}. */
    void admitPending(ModelSwapper.ActiveModel model) {
        BackboneArtifacts artifacts = model.artifacts();
        for (OfferedVariant offered : registry.pending()) {
            try {
                VariantDescriptor descriptor = offered.service().descriptor();
                offered.describe(descriptor);
                String problem = mismatch(artifacts, offered, descriptor);
                if (problem != null) {
                    refuse(offered, problem);
                    continue;
                }
                ModelProto subGraph = OnnxModelIO.read(offered.service().subGraph());
                ModelProto alone = GraphComposer.compose(artifacts.model(), Map.of(
                        artifacts.boundary(descriptor.slot()), new Replacement(descriptor.id(), subGraph)));
                offered.admit(descriptor, subGraph);
                model.assessor().assess(offered, alone);
                LOG.log(Level.INFO, "variant {0} for slot {1} accepted ({2} params, {3} MACs)", descriptor.id(),
                        descriptor.slot(), descriptor.params(), descriptor.macs());
            } catch (GraphException e) {
                refuse(offered, e.getMessage());
            } catch (RuntimeException e) {
                refuse(offered, "the variant service failed: " + e);
            }
        }
    }

    /** Refuses a variant for good (until it is bound again), with the reason listed in the status and an event. */
    void refuse(OfferedVariant offered, String reason) {
        offered.refuse(reason);
        LOG.log(Level.WARNING, "variant {0} for slot {1} refused: {2}", offered.id(), offered.slot(), reason);
        journal.refused(offered);
    }

    private static String mismatch(BackboneArtifacts artifacts, OfferedVariant offered,
            VariantDescriptor descriptor) {
        if (descriptor == null) {
            return "variant " + offered.id() + " has no descriptor";
        }
        if (artifacts.slot(descriptor.slot()).isEmpty()) {
            return "variant " + descriptor.id() + " targets slot " + descriptor.slot()
                    + " which this backbone does not have (slots: "
                    + artifacts.slots().stream().map(s -> s.name()).toList() + ")";
        }
        // against the properties, not offered.slot()/id(): those follow the descriptor once it is described
        if (!descriptor.slot().equals(offered.slotProperty()) || !descriptor.id().equals(offered.idProperty())) {
            return "variant " + descriptor.id() + " for slot " + descriptor.slot()
                    + " is registered with different service properties (slot " + offered.slotProperty() + ", id "
                    + offered.idProperty() + ")";
        }
        return null;
    }
}
