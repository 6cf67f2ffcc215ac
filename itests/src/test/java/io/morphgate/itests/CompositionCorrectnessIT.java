package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

import io.morphgate.api.inference.InferenceResult;
import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.VariantDescriptor;

/**
 * The composed session serves what the plain-Java reference forward pass computes, within 1e-4, for the default
 * configuration, every variant of the low-rank bundle swapped in alone, and every slot swapped at once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CompositionCorrectnessIT extends TestSupport {

    private static final float TOLERANCE = 1e-4f;
    private static final int SAMPLES = 4;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions("morphgate-core", "morphgate-operator-lowrank");
    }

    private ModelControl control;
    private InferenceService inference;
    private ReferenceModel reference;
    private Map<String, VariantDescriptor> descriptors;
    private Map<String, byte[]> subGraphs;

    @Before
    public void setUp() throws Exception {
        control = service(ModelControl.class, 10_000);
        inference = service(InferenceService.class, 10_000);
        reference = new ReferenceModel(bundle("io.morphgate.backbone"));
        await("the backbone to accept all 8 low-rank variants", 20_000,
                () -> control.status().variants().stream().filter(v -> v.accepted()).count() == 8);
        descriptors = new HashMap<>();
        subGraphs = new HashMap<>();
        Collection<ServiceReference<OperatorVariant>> refs = context.getServiceReferences(OperatorVariant.class, null);
        for (ServiceReference<OperatorVariant> ref : refs) {
            OperatorVariant v = context.getService(ref);
            descriptors.put(v.descriptor().id(), v.descriptor());
            subGraphs.put(v.descriptor().id(), v.subGraph());
            context.ungetService(ref);
        }
        assertEquals(8, descriptors.size());
    }

    @Test
    public void defaultConfigurationMatchesTheReference() throws Exception {
        for (String slot : slots()) {
            pin(slot, "default");
        }
        assertMatchesReference(Map.of());
    }

    @Test
    public void everyVariantAloneMatchesTheReference() throws Exception {
        for (VariantDescriptor d : descriptors.values()) {
            for (String slot : slots()) {
                pin(slot, slot.equals(d.slot()) ? d.id() : "default");
            }
            assertMatchesReference(Map.of(d.slot(), d.id()));
        }
    }

    @Test
    public void everySlotSwappedAtOnceMatchesTheReference() throws Exception {
        for (String beta : List.of("0.5", "0.25")) {
            Map<String, String> all = new HashMap<>();
            for (String slot : slots()) {
                String id = "lowrank-" + slot + "-b" + beta;
                pin(slot, id);
                all.put(slot, id);
            }
            assertMatchesReference(all);
        }
    }

    private List<String> slots() {
        return control.status().slots().stream().map(s -> s.spec().name()).toList();
    }

    private void pin(String slot, String variantId) throws Exception {
        control.pin(slot, variantId).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private void assertMatchesReference(Map<String, String> variantBySlot) {
        assertEquals("serving configuration", variantBySlot, control.status().configuration().variantBySlot());
        Random random = new Random(variantBySlot.hashCode());
        int[] chw = {inference.inputShape().channels(), inference.inputShape().height(), inference.inputShape().width()};
        List<float[]> samples = new ArrayList<>();
        for (int i = 0; i < SAMPLES; i++) {
            float[] x = new float[chw[0] * chw[1] * chw[2]];
            for (int j = 0; j < x.length; j++) {
                x[j] = (float) random.nextGaussian();
            }
            samples.add(x);
        }
        Map<String, byte[]> graphs = new HashMap<>();
        variantBySlot.forEach((slot, id) -> graphs.put(slot, subGraphs.get(id)));
        float[][] expected = reference.probabilities(samples, chw, graphs);
        List<InferenceResult> batch = inference.inferBatch(samples);
        for (int i = 0; i < SAMPLES; i++) {
            assertClose(variantBySlot + " sample " + i + " (batch)", expected[i], batch.get(i).probabilities());
            assertClose(variantBySlot + " sample " + i + " (single)", expected[i],
                    inference.infer(samples.get(i)).probabilities());
        }
    }

    private static void assertClose(String what, float[] expected, float[] actual) {
        assertEquals(what + ": classes", expected.length, actual.length);
        for (int c = 0; c < expected.length; c++) {
            assertTrue(what + ": class " + c + " expected " + expected[c] + " but ONNX Runtime gave " + actual[c],
                    Math.abs(expected[c] - actual[c]) <= TOLERANCE);
            if (expected[c] > 1e-30f) {
                // log-probabilities compare the logits themselves (up to a shared shift), even where p is tiny
                assertTrue(what + ": log-probability of class " + c,
                        Math.abs(Math.log(expected[c]) - Math.log(actual[c])) <= 1e-3);
            }
        }
    }
}
