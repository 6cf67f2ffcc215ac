package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.util.Hashtable;
import java.util.Map;
import java.util.OptionalDouble;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceRegistration;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.api.variant.VariantProperties;
import io.morphgate.onnx.GraphBuilder;
import io.morphgate.onnx.OnnxModelIO;

/**
 * Variants that do not fit are refused with a reason in the model status, and the gateway keeps serving.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class VariantRefusalIT extends TestSupport {

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core");
    }

    @Test
    public void variantWithTheWrongOutputWidthIsRefusedAndServingGoesOn() {
        // conv2 takes and gives 32x14x14; this one gives 16 channels
        GraphBuilder g = new GraphBuilder("too-narrow");
        String x = g.input("input", 32, 14, 14);
        x = g.conv(x, new float[16 * 32], 16, 32, 1, 1, null, 1);
        byte[] graph = OnnxModelIO.write(g.output(x, "output", 16, 14, 14).build());
        VariantState state = offerAndAwaitVerdict("too-narrow-conv2", "conv2", graph);
        assertFalse(state.accepted());
        String reason = state.refusalReason().orElseThrow();
        assertTrue(reason, reason.contains("conv2") && reason.contains("too-narrow-conv2") && reason.contains("output"));
        assertServing();
    }

    @Test
    public void variantThatClaimsTheWrongSlotIsRefused() {
        // a good conv2 graph (32x14x14 -> 32x14x14), offered for conv4 (64x7x7 -> 64x7x7)
        VariantState state = offerAndAwaitVerdict("conv2-shaped-for-conv4", "conv4", identityConv(32, 14));
        assertFalse(state.accepted());
        String reason = state.refusalReason().orElseThrow();
        assertTrue(reason, reason.contains("conv4") && reason.contains("input shape"));
        assertServing();
    }

    @Test
    public void variantWhoseServicePropertiesNameAnotherSlotThanItsDescriptorIsRefused() {
        // registered under slot conv2 (where it fits), but its descriptor says conv3
        VariantDescriptor d = descriptor("two-faced", "conv3");
        ServiceRegistration<OperatorVariant> reg = register(d, "conv2", fixed(d, identityConv(32, 14)));
        try {
            VariantState state = awaitVerdict(d.id());
            assertFalse(state.accepted());
            String reason = state.refusalReason().orElseThrow();
            assertTrue(reason, reason.contains("different service properties"));
            assertServing();
        } finally {
            reg.unregister();
        }
    }

    @Test
    public void variantForASlotTheBackboneDoesNotHaveIsRefused() {
        VariantState state = offerAndAwaitVerdict("nowhere-conv9", "conv9", identityConv(32, 14));
        assertFalse(state.accepted());
        assertTrue(state.refusalReason().orElseThrow(), state.refusalReason().orElseThrow().contains("conv9"));
        assertServing();
    }

    @Test
    public void variantWithAnAbsurdDeclaredShapeIsRefusedWithoutAllocatingIt() {
        ModelProto m = OnnxModelIO.read(identityConv(32, 14));
        GraphProto.Builder g = m.getGraph().toBuilder();
        g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(2)
                .setDimValue(1L << 40);
        VariantState state = offerAndAwaitVerdict("absurd-conv2", "conv2",
                OnnxModelIO.write(m.toBuilder().setGraph(g).build()));
        assertFalse(state.accepted());
        assertTrue(state.refusalReason().orElseThrow(), state.refusalReason().orElseThrow().contains("elements"));
        assertServing();
    }

    @Test
    public void variantThatIsNotAnOnnxModelIsRefused() {
        VariantState state = offerAndAwaitVerdict("garbage-conv3", "conv3", "not an onnx model".getBytes());
        assertFalse(state.accepted());
        assertTrue(state.refusalReason().orElseThrow(), state.refusalReason().orElseThrow().contains("ONNX"));
        assertServing();
    }

    @Test
    public void variantWhoseServiceThrowsIsRefused() {
        VariantDescriptor d = descriptor("throws-conv1", "conv1");
        ServiceRegistration<OperatorVariant> reg = register(d, new OperatorVariant() {
            @Override
            public VariantDescriptor descriptor() {
                return d;
            }

            @Override
            public byte[] subGraph() {
                throw new IllegalStateException("operator bug");
            }
        });
        try {
            VariantState state = awaitVerdict(d.id());
            assertTrue(state.refusalReason().orElseThrow(), state.refusalReason().orElseThrow().contains("operator bug"));
            assertServing();
        } finally {
            reg.unregister();
        }
    }

    /** A 1x1 convolution that keeps the shape: a sub-graph that fits a slot of that shape. */
    private static byte[] identityConv(int channels, int size) {
        GraphBuilder g = new GraphBuilder("keeps-shape");
        String x = g.input("input", channels, size, size);
        x = g.conv(x, new float[channels * channels], channels, channels, 1, 1, null, 1);
        return OnnxModelIO.write(g.output(x, "output", channels, size, size).build());
    }

    private static OperatorVariant fixed(VariantDescriptor d, byte[] graph) {
        return new OperatorVariant() {
            @Override
            public VariantDescriptor descriptor() {
                return d;
            }

            @Override
            public byte[] subGraph() {
                return graph;
            }
        };
    }

    private VariantState offerAndAwaitVerdict(String id, String slot, byte[] graph) {
        VariantDescriptor d = descriptor(id, slot);
        ServiceRegistration<OperatorVariant> reg = register(d, fixed(d, graph));
        try {
            return awaitVerdict(id);
        } finally {
            reg.unregister();
        }
    }

    private VariantState awaitVerdict(String id) {
        ModelControl control = service(ModelControl.class, 10_000);
        VariantState[] found = new VariantState[1];
        await("a verdict on variant " + id, 10_000, () -> control.status().variants().stream()
                .filter(v -> v.descriptor().id().equals(id) && (v.accepted() || v.refusalReason().isPresent()))
                .peek(v -> found[0] = v).findFirst().isPresent());
        return found[0];
    }

    private void assertServing() {
        ModelControl control = service(ModelControl.class, 10_000);
        InferenceService inference = service(InferenceService.class, 10_000);
        assertEquals("default", control.status().configuration().id());
        assertEquals("default", inference.infer(new float[inference.inputShape().elementCount()]).configurationId());
    }

    private ServiceRegistration<OperatorVariant> register(VariantDescriptor d, OperatorVariant variant) {
        return register(d, d.slot(), variant);
    }

    private ServiceRegistration<OperatorVariant> register(VariantDescriptor d, String slotProperty,
            OperatorVariant variant) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put(VariantProperties.SLOT, slotProperty);
        props.put(VariantProperties.VARIANT_ID, d.id());
        props.put(VariantProperties.OPERATOR, d.kind().name());
        return context.registerService(OperatorVariant.class, variant, props);
    }

    private static VariantDescriptor descriptor(String id, String slot) {
        return new VariantDescriptor(id, OperatorKind.LOW_RANK, slot, Map.of(), 0, 0, Provenance.SYNTHETIC, "test",
                OptionalDouble.empty());
    }
}
