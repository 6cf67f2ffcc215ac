package io.morphgate.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.Assume;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

import io.morphgate.api.inference.InferenceService;
import io.morphgate.api.model.ModelControl;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.OfferReport;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.SlotSkip;

/**
 * torchvision's ResNet-18 as torch.onnx.export writes it (64x64, random weights, BatchNorm folded into the convs),
 * packaged as a model bundle with no slot list: the gateway finds its slots in the graph, the low-rank operator,
 * knowing nothing of the model, offers variants for every one of them (strided, ending without ReLU before a residual
 * add), they are all admitted, its derivation reports its progress to the end, the Fire operator (whose block halves
 * H and W with its own pool) says for each slot why it cannot take it, and with every slot pinned to a data-free
 * low-rank variant the model serves with fewer MACs under inference load, failing no request.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ExportedNetworksIT extends TestSupport {

    private static final String EXPORTED = "morphgate.itests.models.exported";
    private static final String RESNET = "resnet18";
    private static final String LOWRANK = "io.morphgate.operator.lowrank";

    @Configuration
    public Option[] configuration() throws Exception {
        List<Option> options = new ArrayList<>(Arrays.asList(gatewayOptions("morphgate-core",
                "morphgate-operator-lowrank", "morphgate-operator-fire", NO_MODEL)));
        options.add(frameworkProperty(EXPORTED).value(ExportedModels.folder().map(Path::toString).orElse("")));
        return options.toArray(Option[]::new);
    }

    @Test
    public void resnet18SlotsAreFoundAndEveryOneTakesADataFreeLowRankVariant() throws Exception {
        String folder = context.getProperty(EXPORTED);
        Assume.assumeTrue("no exported models (run models/export/export_torchvision.py, see ExportedModels)",
                !folder.isEmpty());
        long started = System.nanoTime();
        // one beta: the test pins b0.25 everywhere; deriving b0.5 too would double the minutes of SVDs at this size
        org.osgi.service.cm.ConfigurationAdmin cm = service(org.osgi.service.cm.ConfigurationAdmin.class, 10_000);
        java.util.Hashtable<String, Object> lowrank = new java.util.Hashtable<>();
        lowrank.put("betas", new double[] {0.25});
        cm.getConfiguration("morphgate.operator.lowrank", "?").update(lowrank);
        ModelControl control = service(ModelControl.class, 30_000);
        Path jar = ModelBundleJars.exported(Path.of(System.getProperty("morphgate.itests.target", "target"),
                "exported-it", UUID.randomUUID().toString(), "resnet18.jar").toAbsolutePath(), Path.of(folder),
                RESNET);
        Bundle model = context.installBundle(jar.toUri().toString());
        model.start();
        await("the ResNet-18 model bundle to be read", 120_000, () -> control.models().stream()
                .anyMatch(m -> m.id().equals(RESNET) && m.state() != io.morphgate.api.model.InstalledModel.State.LOADING));
        control.activateModel(RESNET).toCompletableFuture().get(120, TimeUnit.SECONDS);
        phase("model read and serving", started);
        ModelStatus status = control.status();
        assertEquals(RESNET, status.model().orElseThrow().id());
        List<SlotSpec> slots = status.slots().stream().map(s -> s.spec()).toList();
        assertEquals("the stem and sixteen 3x3 convs: " + slots, 17, slots.size());
        long fullMacs = status.macs();

        Bundle operator = bundle(LOWRANK);
        await("the low-rank variants of all 17 slots, derived ones included", 600_000,
                () -> OperatorFeatures.settled(control, operator)
                        && control.status().variants().stream().filter(v -> v.bundleId() == operator.getBundleId())
                                .map(v -> v.descriptor().slot()).distinct().count() == 17);
        phase("low-rank variants of 17 slots offered and admitted", started);
        List<VariantState> variants = control.status().variants().stream()
                .filter(v -> v.bundleId() == operator.getBundleId()).toList();
        List<String> refused = variants.stream().filter(v -> !v.accepted())
                .map(v -> v.descriptor().id() + ": " + v.refusalReason().orElse("?")).toList();
        assertTrue("refused: " + refused, refused.isEmpty());
        Map<String, String> derived = new HashMap<>();
        for (SlotSpec slot : slots) {
            String id = "lowrank-" + slot.name() + "-b0.25-derived";
            assertTrue("no " + id + " among " + variants.stream().map(v -> v.descriptor().id())
                    .collect(Collectors.toList()), variants.stream().anyMatch(v -> v.descriptor().id().equals(id)));
            derived.put(slot.name(), id);
        }
        List<String> slotNames = slots.stream().map(SlotSpec::name).sorted().toList();
        OfferReport lowrankReport = offerReport(OperatorKind.LOW_RANK, status.backboneId());
        DerivationProgress derivation = lowrankReport.derivation().orElseThrow();
        assertEquals(derivation.toString(), DerivationProgress.Phase.FINISHED, derivation.phase());
        assertEquals(derivation.toString(), 17, derivation.slotsTotal());
        assertEquals(derivation.toString(), derivation.slotsTotal(), derivation.slotsDone());
        OfferReport fireReport = offerReport(OperatorKind.FIRE, status.backboneId());
        assertEquals("every ResNet-18 slot is skipped by Fire, with its reason: " + fireReport.skipped(), slotNames,
                fireReport.skipped().stream().map(SlotSkip::slot).sorted().toList());
        for (SlotSkip skip : fireReport.skipped()) {
            assertFalse("no reason for " + skip.slot(), skip.reason().isBlank());
        }
        phase("offer reports read", started);
        assertEquals("no policy, no pins: the full model serves", 0,
                control.status().configuration().variantBySlot().size());

        InferenceService inference = service(InferenceService.class, 10_000);
        try (InferenceLoad load = new InferenceLoad(inference, 2)) {
            Thread.sleep(300);
            ModelStatus pinned = control.pin(derived).toCompletableFuture().get(120, TimeUnit.SECONDS);
            assertEquals(derived, pinned.configuration().variantBySlot());
            assertTrue("MACs " + pinned.macs() + " against " + fullMacs + " for the full model",
                    pinned.macs() * 2 < fullMacs);
            Thread.sleep(300);
            control.unpin(derived.keySet()).toCompletableFuture().get(120, TimeUnit.SECONDS);
            Thread.sleep(300);
            load.close();
            assertTrue("requests failed during the swaps: " + load.failures(), load.failures().isEmpty());
            assertTrue("too few requests to mean anything: " + load.answered(), load.answered() > 20);
        }
        assertEquals(fullMacs, control.status().macs());
        phase("pinned and unpinned under load", started);
    }

    /** The offer report of {@code operator} for this backbone (the operator registers it beside its variants). */
    private OfferReport offerReport(OperatorKind operator, String backboneId) throws Exception {
        await("the " + operator + " operator's offer report", 60_000, () -> findReport(operator, backboneId) != null);
        return findReport(operator, backboneId);
    }

    private OfferReport findReport(OperatorKind operator, String backboneId) {
        java.util.Collection<ServiceReference<OfferReport>> refs;
        try {
            refs = context.getServiceReferences(OfferReport.class, null);
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        for (ServiceReference<OfferReport> ref : refs) {
            OfferReport report = context.getService(ref);
            if (report != null && report.operator() == operator && report.backboneId().equals(backboneId)) {
                return report;
            }
        }
        return null;
    }

    private static void phase(String what, long started) {
        System.out.printf("[ExportedNetworksIT] %s after %.1f s%n", what, (System.nanoTime() - started) / 1e9);
    }
}
