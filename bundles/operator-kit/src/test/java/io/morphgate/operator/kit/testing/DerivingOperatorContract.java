package io.morphgate.operator.kit.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.variant.DerivationProgress;
import io.morphgate.api.variant.DerivationProgress.Phase;
import io.morphgate.api.variant.OperatorVariant;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;
import io.morphgate.operator.kit.DerivedVariants;

/**
 * The contract of an operator that also derives variants from the slots' trained kernels (parameter sharing), on top
 * of {@link OperatorContract}: after its synthetic variants, one derived variant per synthetic one, registered
 * together once derivation is done, with the same graph shape and costs, DERIVED, saying how it was obtained and how
 * far it is from the slot's kernel; recalibrated where the backbone has calibration inputs; kept in the bundle's data
 * area, so the next start derives nothing; and none when turned off.
 * The operator's configuration has a {@code derived} switch.
 */
public abstract class DerivingOperatorContract extends OperatorContract {

    /** The ids of the derived variants: each synthetic one's, with {@code -derived}. */
    @Override
    protected final List<String> offeredIds() {
        return Stream.concat(syntheticIds().stream(), syntheticIds().stream().map(id -> id + "-derived")).toList();
    }

    @Test
    void eachDerivedVariantCostsWhatItsSyntheticTwinCostsAndSaysHowItWasDerived() throws Exception {
        List<OperatorVariant> registered = offer(Map.of()).registered;
        Map<String, VariantDescriptor> byId = registered.stream().map(OperatorVariant::descriptor)
                .collect(Collectors.toMap(VariantDescriptor::id, Function.identity()));
        for (VariantDescriptor d : byId.values()) {
            if (d.provenance() != Provenance.DERIVED) {
                continue;
            }
            VariantDescriptor twin = byId.get(d.id().substring(0, d.id().length() - "-derived".length()));
            assertEquals(twin.slot(), d.slot(), d.id());
            assertEquals(twin.macs(), d.macs(), d.id());
            assertEquals(twin.params(), d.params(), d.id());
            assertTrue(d.hyperParameters().entrySet().containsAll(twin.hyperParameters().entrySet()),
                    d.id() + " " + d.hyperParameters() + " lacks its twin's settings " + twin.hyperParameters());
            double kernelError = Double.parseDouble(d.hyperParameters().get(DerivedVariants.KERNEL_ERROR));
            assertTrue(kernelError > 0 && kernelError < 1, d.id() + ": kernel error " + kernelError);
            assertEquals("NaN", d.hyperParameters().get(DerivedVariants.CALIBRATION_ERROR), d.id());
            assertTrue(d.provenanceDetail().contains(FakeOperatorFramework.BACKBONE_ID)
                    && d.provenanceDetail().contains("slot " + d.slot())
                    && d.provenanceDetail().contains("slot BN shared"), d.provenanceDetail());
        }
    }

    @Test
    void derivedVariantsRecalibrateOnTheBackbonesCalibrationInputs() throws Exception {
        List<OperatorVariant> registered = offer(FakeOperatorFramework.catalogWithCalibration(2), Map.of()).registered;
        assertEquals(offeredIds(), registered.stream().map(v -> v.descriptor().id()).toList());
        registered.stream().map(OperatorVariant::descriptor).filter(d -> d.provenance() == Provenance.DERIVED)
                .forEach(d -> {
                    assertTrue(d.provenanceDetail().contains("recalibrated on 2 inputs"), d.provenanceDetail());
                    double error = Double.parseDouble(d.hyperParameters().get(DerivedVariants.CALIBRATION_ERROR));
                    assertTrue(error >= 0 && error < 2, d.id() + ": output error " + error);
                });
    }

    @Test
    void derivedVariantsAreKeptForTheNextStartWhichDerivesNothing(@TempDir Path dataArea) throws Exception {
        List<OperatorVariant> first = offer(new FakeOperatorFramework(dataArea),
                FakeOperatorFramework.catalogWithCalibration(2), Map.of()).registered;
        AtomicInteger calibrationRequests = new AtomicInteger();
        List<OperatorVariant> second = offer(new FakeOperatorFramework(dataArea),
                countingCalibrationRequests(FakeOperatorFramework.catalogWithCalibration(2), calibrationRequests),
                Map.of()).registered;
        assertEquals(0, calibrationRequests.get(), "the second start derived again");
        assertEquals(offeredIds(), second.stream().map(v -> v.descriptor().id()).toList());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i).descriptor(), second.get(i).descriptor());
            assertArrayEquals(first.get(i).subGraph(), second.get(i).subGraph(), first.get(i).toString());
        }
    }

    /**
     * The derivation says how it goes, to every derivation listener and in the offer report: it starts with nothing
     * done, counts slots up to all of them, and finishes with as many variants derived as were registered; a second
     * start reads them all back and derives none.
     */
    @Test
    void derivationReportsItsProgressFromStartToFinish(@TempDir Path dataArea) throws Exception {
        FakeOperatorFramework framework = new FakeOperatorFramework(dataArea);
        List<DerivationProgress> heard = new CopyOnWriteArrayList<>();
        framework.derivationListeners.add(heard::add);
        offer(framework, FakeOperatorFramework.catalogWithCalibration(2), Map.of());
        int slots = FakeOperatorFramework.SLOTS.size();
        long derived = framework.registered.stream().filter(v -> v.descriptor().provenance() == Provenance.DERIVED)
                .count();
        assertEquals(Phase.STARTED, heard.get(0).phase());
        assertEquals(0, heard.get(0).slotsDone());
        DerivationProgress last = heard.get(heard.size() - 1);
        assertEquals(Phase.FINISHED, last.phase(), heard.toString());
        assertEquals(slots, last.slotsDone());
        assertEquals(slots, last.slotsTotal());
        assertEquals(derived, last.variantsDerived());
        assertEquals(0, last.variantsKept());
        assertEquals(Optional.of(Duration.ZERO), last.remaining());
        assertEquals(kind(), last.operator());
        assertEquals(FakeOperatorFramework.BACKBONE_ID, last.backboneId());
        for (int i = 1; i < heard.size(); i++) {
            assertTrue(heard.get(i).slotsDone() >= heard.get(i - 1).slotsDone(), heard.toString());
            assertTrue(heard.get(i).remaining().isPresent(), "no estimate after a step: " + heard.get(i));
        }
        assertEquals(Optional.of(last), framework.report().orElseThrow().derivation());

        FakeOperatorFramework again = new FakeOperatorFramework(dataArea);
        List<DerivationProgress> heardAgain = new CopyOnWriteArrayList<>();
        again.derivationListeners.add(heardAgain::add);
        offer(again, FakeOperatorFramework.catalogWithCalibration(2), Map.of());
        DerivationProgress kept = heardAgain.get(heardAgain.size() - 1);
        assertEquals(Phase.FINISHED, kept.phase());
        assertEquals(0, kept.variantsDerived());
        assertEquals(derived, kept.variantsKept());
    }

    @Test
    void derivedVariantsCanBeTurnedOff() throws Exception {
        FakeOperatorFramework framework = offer(Map.of("derived", false));
        assertEquals(syntheticIds(), framework.ids());
    }

    private static SlotCatalog countingCalibrationRequests(SlotCatalog catalog, AtomicInteger requests) {
        return (SlotCatalog) Proxy.newProxyInstance(SlotCatalog.class.getClassLoader(),
                new Class<?>[] {SlotCatalog.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("calibrationInputs")) {
                        requests.incrementAndGet();
                    }
                    try {
                        return method.invoke(catalog, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
