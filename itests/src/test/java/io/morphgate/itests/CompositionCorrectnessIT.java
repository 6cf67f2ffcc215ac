package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;

/**
 * With all five operator bundles in the gateway, the composed session serves what the plain-Java reference forward
 * pass computes, within 1e-4: for the default configuration, for every variant swapped in alone (so every variant is
 * composed into a session at least once), and for each operator filling every slot it can at once.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CompositionCorrectnessIT extends TestSupport {

    private static final float TOLERANCE = 1e-4f;
    private static final int SAMPLES = 4;

    @Configuration
    public Option[] configuration() {
        return gatewayOptions(OperatorFeatures.ALL);
    }

    private ModelControl control;
    private InferenceService inference;
    private ReferenceModel reference;
    private TreeMap<String, VariantDescriptor> descriptors;
    private Map<String, byte[]> subGraphs;

    @Before
    public void setUp() throws Exception {
        control = service(ModelControl.class, 10_000);
        inference = service(InferenceService.class, 10_000);
        reference = new ReferenceModel(bundle("morphgate.model.fashion-mnist"));
        await("every operator bundle to register its variants, derived ones included", 60_000,
                () -> OperatorFeatures.OPERATOR_BUNDLES.stream()
                        .allMatch(b -> OperatorFeatures.settled(control, bundle(b))));
        descriptors = new TreeMap<>();
        subGraphs = new HashMap<>();
        Collection<ServiceReference<OperatorVariant>> refs = context.getServiceReferences(OperatorVariant.class, null);
        for (ServiceReference<OperatorVariant> ref : refs) {
            OperatorVariant v = context.getService(ref);
            descriptors.put(v.descriptor().id(), v.descriptor());
            subGraphs.put(v.descriptor().id(), v.subGraph());
            context.ungetService(ref);
        }
        await("the backbone to accept all " + descriptors.size() + " variants", 60_000,
                () -> control.status().variants().stream().filter(v -> v.accepted()).count() == descriptors.size());
        for (OperatorKind kind : OperatorKind.values()) {
            assertTrue("no variant of " + kind, descriptors.values().stream().anyMatch(d -> d.kind() == kind));
        }
        assertTrue("no derived variants", descriptors.values().stream().anyMatch(d -> d.provenance() == Provenance.DERIVED));
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
    public void eachOperatorInEverySlotItFitsAtOnceMatchesTheReference() throws Exception {
        for (OperatorKind kind : OperatorKind.values()) {
            Map<String, String> chosen = new HashMap<>();
            for (VariantDescriptor d : descriptors.values()) {
                if (d.kind() == kind) {
                    chosen.putIfAbsent(d.slot(), d.id());
                }
            }
            for (String slot : slots()) {
                pin(slot, chosen.getOrDefault(slot, "default"));
            }
            assertMatchesReference(chosen);
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
