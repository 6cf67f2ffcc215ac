package io.morphgate.operator.kit.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.osgi.service.condition.Condition;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.SlotSkip;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.api.variant.VariantProperties;
import io.morphgate.onnx.CostCounter;
import io.morphgate.onnx.CostCounter.ModelCost;
import io.morphgate.onnx.GraphCheck;
import io.morphgate.onnx.OnnxModelIO;
import io.morphgate.onnx.reference.ReferenceEvaluator;
import io.morphgate.onnx.reference.ReferenceEvaluator.Tensor;
import io.morphgate.operator.kit.SeededParameters;
import io.morphgate.operator.kit.SlotBlock;

/**
 * What every operator promises the backbone, tested once: each operator bundle's {@code *OperatorTest} extends this
 * class (or {@link DerivingOperatorContract}) and says only how to activate its component. The component runs against
 * {@link FakeOperatorFramework} (the backbone's four slots, seeded weights) with its configuration's defaults, and
 * every variant it offers must
 * <ul>
 * <li>be registered with service properties that match its descriptor (id, slot, operator, backbone), its id naming
 * its slot;</li>
 * <li>carry a valid ONNX sub-graph that maps the slot's input shape to the slot's output shape, ends with the slot's
 * 2x2 max-pool where the slot has one (and only there), and runs on the reference evaluator to finite, non-zero
 * outputs that the slot's closing ReLU leaves non-negative;</li>
 * <li>have a descriptor whose parameters and MACs are those counted on that sub-graph, and fewer than the slot's own
 * layer;</li>
 * <li>come from fixed seeds: the same seed gives the same sub-graphs, another seed other weights.</li>
 * </ul>
 * The operator says its offer is complete ({@link VariantProperties#OFFER_COMPLETE}) only once every variant is
 * registered, and deactivating it withdraws everything it registered.
 */
public abstract class OperatorContract {

    /**
     * Activates the operator's component with {@code framework}'s bundle context, {@code catalog}, and its
     * configuration's defaults except {@code overrides}; returns what its {@code @Deactivate} does.
     */
    protected abstract Runnable activate(FakeOperatorFramework framework, SlotCatalog catalog,
            Map<String, Object> overrides);

    /** The operator's kind. */
    protected abstract OperatorKind kind();

    /**
     * Whether the operator's blocks reproduce a strided slot's stride (low-rank, bottleneck and depthwise do; fire and
     * multi-branch take stride-1 slots only).
     */
    protected abstract boolean reproducesStrides();

    /**
     * The ids of the variants the default configuration offers on the four slots, in registration order, when the
     * backbone publishes no weights.
     */
    protected abstract List<String> syntheticIds();

    /** The ids the default configuration offers when the backbone publishes weights, in registration order. */
    protected List<String> offeredIds() {
        return syntheticIds();
    }

    /** The operator activated with its defaults on the weights-publishing catalog, its offer complete. */
    protected final FakeOperatorFramework offer(Map<String, Object> overrides) throws InterruptedException {
        return offer(FakeOperatorFramework.catalog(true), overrides);
    }

    protected final FakeOperatorFramework offer(SlotCatalog catalog, Map<String, Object> overrides)
            throws InterruptedException {
        return offer(new FakeOperatorFramework(), catalog, overrides);
    }

    protected final FakeOperatorFramework offer(FakeOperatorFramework framework, SlotCatalog catalog,
            Map<String, Object> overrides) throws InterruptedException {
        Runnable deactivate = activate(framework, catalog, overrides);
        try {
            framework.awaitOffer();
        } finally {
            deactivate.run();
        }
        return framework;
    }

    @Test
    void offersItsVariantsEachRegisteredWithPropertiesThatMatchItsDescriptor() throws Exception {
        FakeOperatorFramework framework = offer(Map.of());
        assertEquals(offeredIds(), framework.ids());
        for (OperatorVariant v : framework.registered) {
            VariantDescriptor d = v.descriptor();
            var properties = framework.properties.get(d.id());
            assertEquals(d.id(), properties.get(VariantProperties.VARIANT_ID));
            assertEquals(d.slot(), properties.get(VariantProperties.SLOT));
            assertEquals(kind().name(), properties.get(VariantProperties.OPERATOR));
            assertEquals(FakeOperatorFramework.BACKBONE_ID, properties.get(VariantProperties.BACKBONE_ID));
            assertEquals(Boolean.TRUE, properties.get(VariantProperties.ANNOUNCES_OFFER));
            assertEquals(kind(), d.kind(), d.id());
            assertTrue(d.id().contains("-" + d.slot() + "-"), "the id names the slot: " + d.id());
            assertEquals(d.id().endsWith("-derived") ? Provenance.DERIVED : Provenance.SYNTHETIC, d.provenance(),
                    d.id());
        }
    }

    @Test
    void completesItsOfferOnlyOnceEveryVariantIsRegisteredAndWithdrawsEverythingOnDeactivate() throws Exception {
        FakeOperatorFramework framework = offer(Map.of());
        FakeOperatorFramework.Offered offered = framework.offered().orElseThrow();
        assertEquals(offeredIds(), offered.idsBefore());
        assertEquals(VariantProperties.OFFER_COMPLETE, offered.properties().get(Condition.CONDITION_ID));
        assertEquals(FakeOperatorFramework.BACKBONE_ID, offered.properties().get(VariantProperties.BACKBONE_ID));
        assertEquals(framework.ids(), framework.unregistered);
        assertTrue(framework.offerWithdrawn());
    }

    @Test
    void withoutPublishedWeightsOffersItsSyntheticVariants() throws Exception {
        FakeOperatorFramework framework = offer(FakeOperatorFramework.catalog(false), Map.of());
        assertEquals(syntheticIds(), framework.ids());
        assertEquals(syntheticIds(), framework.offered().orElseThrow().idsBefore());
    }

    @Test
    void everySubGraphIsValidOnnxWithTheSlotsShapesAndPool() throws Exception {
        for (OperatorVariant v : offer(Map.of()).registered) {
            SlotSpec slot = slot(v);
            ModelProto graph = OnnxModelIO.read(v.subGraph());
            assertEquals(1, graph.getGraph().getInputCount(), v.toString());
            assertEquals(1, graph.getGraph().getOutputCount(), v.toString());
            Map<String, long[]> shapes = GraphCheck.check(graph);
            assertArrayEquals(batched(slot.input()), shapes.get(graph.getGraph().getInput(0).getName()), v.toString());
            assertArrayEquals(batched(slot.output()), shapes.get(graph.getGraph().getOutput(0).getName()),
                    v.toString());
            String last = graph.getGraph().getNode(graph.getGraph().getNodeCount() - 1).getOpType();
            assertEquals(slot.downsamples(), last.equals("MaxPool"), v + " ends with " + last);
        }
    }

    @Test
    void everySubGraphRunsOnTheReferenceEvaluatorEndingInTheSlotsRelu() throws Exception {
        Random random = new Random(7);
        for (OperatorVariant v : offer(Map.of()).registered) {
            SlotSpec slot = slot(v);
            float[] x = new float[2 * slot.input().elementCount()];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.max(0f, (float) random.nextGaussian());
            }
            long[] shape = batched(slot.input());
            shape[0] = 2;
            Tensor y = ReferenceEvaluator.run(OnnxModelIO.read(v.subGraph()), new Tensor(shape, x));
            long[] expected = batched(slot.output());
            expected[0] = 2;
            assertArrayEquals(expected, y.shape(), v.toString());
            assertTrue(allFinite(y.data()), v + " computes a non-finite value");
            assertTrue(anyNonZero(y.data()), v + " computes only zeros");
            assertTrue(allNonNegative(y.data()), v + " does not end with the ReLU of the slot's layer");
        }
    }

    /**
     * On slots of an exported network (a 7x7 stride-2 stem, a stride-2 3x3 conv, a conv before a residual add), every
     * variant maps the slot's input to its output, ends as the slot's layer does (ReLU, or no activation at all before
     * the add, so it can give negative values) and runs to finite values; an operator that reproduces strides offers
     * something for every slot, one that does not offers nothing for a strided slot.
     */
    @Test
    void onSlotsOfExportedNetworksEveryVariantReproducesTheStrideAndEndsAsTheSlotDoes() throws Exception {
        FakeOperatorFramework framework = offer(FakeOperatorFramework.exportedCatalog(4), Map.of());
        Random random = new Random(11);
        for (SlotSpec slot : FakeOperatorFramework.EXPORTED_SLOTS) {
            List<OperatorVariant> forSlot = framework.registered.stream()
                    .filter(v -> v.descriptor().slot().equals(slot.name())).toList();
            if (reproducesStrides()) {
                assertFalse(forSlot.isEmpty(), "no variant for " + slot);
            } else if (slot.stride() > 1) {
                assertTrue(forSlot.isEmpty(), "variants for a strided slot it cannot reproduce: " + forSlot);
            }
            for (OperatorVariant v : forSlot) {
                ModelProto graph = OnnxModelIO.read(v.subGraph());
                Map<String, long[]> shapes = GraphCheck.check(graph);
                assertArrayEquals(batched(slot.output()), shapes.get(graph.getGraph().getOutput(0).getName()),
                        v.toString());
                String last = graph.getGraph().getNode(graph.getGraph().getNodeCount() - 1).getOpType();
                assertEquals(slot.activation() == SlotSpec.Activation.RELU ? "Relu" : "BatchNormalization", last,
                        v + " ends with " + last);
                float[] x = new float[slot.input().elementCount()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) random.nextGaussian();
                }
                Tensor y = ReferenceEvaluator.run(graph, new Tensor(new long[] {1, slot.input().channels(),
                        slot.input().height(), slot.input().width()}, x));
                assertTrue(allFinite(y.data()), v + " computes a non-finite value");
                if (slot.activation() == SlotSpec.Activation.NONE) {
                    assertFalse(allNonNegative(y.data()), v + " clips its output although its slot has no ReLU");
                }
            }
        }
    }

    /**
     * Every slot of an exported network that the operator offers nothing for is in its report, with a reason a person
     * can read; so is every strided slot of an operator that does not reproduce strides. The report is registered for
     * the catalog's backbone, under the operator's kind, and withdrawn with the variants.
     */
    @Test
    void onSlotsOfExportedNetworksEverySlotWithoutAVariantIsReportedWithItsReason() throws Exception {
        FakeOperatorFramework framework = offer(FakeOperatorFramework.exportedCatalog(4), Map.of());
        OfferReport report = framework.report().orElseThrow(() -> new AssertionError("no offer report"));
        assertEquals(kind(), report.operator());
        assertEquals(FakeOperatorFramework.BACKBONE_ID, report.backboneId());
        for (SlotSkip skip : report.skipped()) {
            assertEquals(kind(), skip.operator(), skip.toString());
            assertFalse(skip.reason().isBlank(), skip.toString());
        }
        for (SlotSpec slot : FakeOperatorFramework.EXPORTED_SLOTS) {
            boolean offered = framework.registered.stream().anyMatch(v -> v.descriptor().slot().equals(slot.name()));
            boolean reported = report.skipped().stream().anyMatch(s -> s.slot().equals(slot.name()));
            if (!offered || (!reproducesStrides() && slot.stride() > 1)) {
                assertTrue(reported, slot.name() + " has no variant and no reason: " + report.skipped());
            }
        }
        assertEquals(FakeOperatorFramework.EXPORTED_SLOTS.stream().map(SlotSpec::name)
                .filter(n -> report.skipped().stream().anyMatch(s -> s.slot().equals(n))).distinct().toList(),
                report.skipped().stream().map(SlotSkip::slot).distinct().toList(), "in slot order");
        assertTrue(framework.reportWithdrawn(), "the report outlived its component");
    }

    @Test
    void descriptorCostsAreCountedOnTheSubGraphAndUndercutTheSlotsLayer() throws Exception {
        for (OperatorVariant v : offer(Map.of()).registered) {
            ModelCost cost = CostCounter.count(OnnxModelIO.read(v.subGraph()));
            assertEquals(cost.params(), v.descriptor().params(), v.toString());
            assertEquals(cost.macs(), v.descriptor().macs(), v.toString());
            assertTrue(cost.params() > 0 && cost.macs() > 0, v.toString());
            ModelCost layer = slotLayer(slot(v));
            assertTrue(cost.params() < layer.params(), v + " vs the slot's layer: " + layer.params() + " params");
            assertTrue(cost.macs() < layer.macs(), v + " vs the slot's layer: " + layer.macs() + " MACs");
        }
    }

    @Test
    void theSameSeedGivesTheSameSubGraphsAndAnotherSeedOtherWeights() throws Exception {
        Map<String, byte[]> first = subGraphs(offer(Map.of()));
        Map<String, byte[]> again = subGraphs(offer(Map.of()));
        Map<String, byte[]> reseeded = subGraphs(offer(Map.of("seed", 43L)));
        assertEquals(first.keySet(), again.keySet());
        assertEquals(first.keySet(), reseeded.keySet());
        for (String id : first.keySet()) {
            assertArrayEquals(first.get(id), again.get(id), id);
            assertFalse(Arrays.equals(first.get(id), reseeded.get(id)), id + " ignores the seed");
        }
    }

    /** The sub-graphs of the synthetic variants (the ones with seeded weights), by id. */
    private static Map<String, byte[]> subGraphs(FakeOperatorFramework framework) {
        Map<String, byte[]> graphs = new HashMap<>();
        framework.registered.stream().filter(v -> v.descriptor().provenance() == Provenance.SYNTHETIC)
                .forEach(v -> graphs.put(v.descriptor().id(), v.subGraph()));
        return graphs;
    }

    /** The slot's own layer: its kxk convolution in the same frame (BN, ReLU, the slot's pool). */
    private static ModelCost slotLayer(SlotSpec slot) {
        SeededParameters p = new SeededParameters(1);
        int in = slot.input().channels();
        int out = slot.output().channels();
        int k = slot.kernelSize();
        return CostCounter.count(SlotBlock.build("slot-layer", slot, (g, x) -> g.conv(x, p.convWeights(out, in, k, k),
                out, in, k, k, null, 1), p::batchNorm));
    }

    protected static SlotSpec slot(OperatorVariant v) {
        return FakeOperatorFramework.anySlot(v.descriptor().slot())
                .orElseThrow(() -> new AssertionError(v + " targets no slot of the catalog"));
    }

    private static long[] batched(TensorShape shape) {
        return new long[] {-1, shape.channels(), shape.height(), shape.width()};
    }

    private static boolean allFinite(float[] values) {
        for (float v : values) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allNonNegative(float[] values) {
        for (float v : values) {
            if (v < 0f) {
                return false;
            }
        }
        return true;
    }

    private static boolean anyNonZero(float[] values) {
        for (float v : values) {
            if (v != 0f) {
                return true;
            }
        }
        return false;
    }
}
