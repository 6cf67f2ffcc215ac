package io.morphgate.operator.kit;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

import io.morphgate.api.slot.SlotCatalog;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.SlotWeights;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.operator.kit.derive.DerivedBlock;

/**
 * The data-free variants of an operator (parameter sharing): for every slot whose trained weights the backbone
 * publishes and every configured setting, a variant whose convolutions are factorised from the slot's kernel. This
 * class holds what the operators share around the factorisation: the loop, the timing, one failure costing one
 * variant rather than the component, and a descriptor that tells a person how the parameters were obtained and how
 * far they are from the slot's own layer.
 */
public final class DerivedVariants {

    private static final System.Logger LOG = System.getLogger(DerivedVariants.class.getName());

    /** Hyper-parameter: {@code ||W - W_factorised||_F / ||W||_F} of the slot's kernel. */
    public static final String KERNEL_ERROR = "kernelRelativeError";
    /** Hyper-parameter: relative output error against the slot's default layer on the calibration inputs. */
    public static final String CALIBRATION_ERROR = "calibrationRelativeError";

    /** Derives one variant for a slot and a setting, or none (having logged why). */
    @FunctionalInterface
    public interface Derivation<S> {
        Optional<BlockVariant> derive(SlotSpec slot, SlotWeights weights, List<float[]> calibrationInputs, S setting);
    }

    private DerivedVariants() {
    }

    /** As {@link #forEverySlot(SlotCatalog, String, List, Derivation, DerivedVariantCache)}, keeping nothing. */
    public static <S> List<BlockVariant> forEverySlot(SlotCatalog catalog, String operator, List<S> settings,
            Derivation<S> derivation) {
        return forEverySlot(catalog, operator, settings, derivation, DerivedVariantCache.none());
    }

    /**
     * Runs the derivation for every slot with published weights and every setting, unless {@code cache} kept the
     * variant from an earlier run of the same model file; what is derived is kept. Slots without weights are skipped;
     * a derivation that throws is logged and skipped.
     */
    public static <S> List<BlockVariant> forEverySlot(SlotCatalog catalog, String operator, List<S> settings,
            Derivation<S> derivation, DerivedVariantCache cache) {
        return forEverySlot(catalog, operator, settings, derivation, cache, DerivationMeter.silent(),
                (slot, reason) -> { });
    }

    /**
     * As the public form, telling {@code meter} each step and {@code skips} each slot it derives nothing for (no
     * weights, a derivation that threw); on cancellation the meter hears of it and the result is empty.
     */
    static <S> List<BlockVariant> forEverySlot(SlotCatalog catalog, String operator, List<S> settings,
            Derivation<S> derivation, DerivedVariantCache cache, DerivationMeter meter,
            BiConsumer<String, String> skips) {
        long start = System.nanoTime();
        List<BlockVariant> variants = new ArrayList<>();
        int kept = 0;
        meter.started(catalog.slots().size(), settings.size());
        for (SlotSpec slot : catalog.slots()) {
            Optional<SlotWeights> weights = catalog.weights(slot.name());
            if (weights.isEmpty()) {
                LOG.log(Level.INFO, "no derived {0} variants for slot {1}: backbone {2} publishes no weights for it",
                        operator, slot.name(), catalog.backboneId());
                skips.accept(slot.name(), "no derived variants: the model publishes no weights for this slot");
                meter.slotDone(settings.size());
                continue;
            }
            List<float[]> calibration = null; // asked for only when a variant is derived
            for (S setting : settings) {
                if (Thread.currentThread().isInterrupted()) {
                    return cancelled(operator, meter);
                }
                Optional<BlockVariant> before = cache.read(catalog, operator, slot, setting);
                if (before.isPresent()) {
                    variants.add(before.get());
                    kept++;
                    meter.step(true, false);
                    continue;
                }
                if (calibration == null) {
                    calibration = catalog.calibrationInputs(slot.name());
                }
                try {
                    Optional<BlockVariant> derived = derivation.derive(slot, weights.get(), calibration, setting);
                    derived.ifPresent(v -> cache.write(catalog, operator, slot, setting, v));
                    derived.ifPresent(variants::add);
                    meter.step(false, derived.isPresent());
                } catch (java.util.concurrent.CancellationException e) {
                    return cancelled(operator, meter);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot derive the " + operator + " variant for slot " + slot.name()
                            + " with setting " + setting + ": " + e.getMessage(), e);
                    skips.accept(slot.name(), "deriving the variant with setting " + setting + " failed: "
                            + e.getMessage());
                    meter.step(false, false);
                }
            }
            meter.slotDone(0);
        }
        LOG.log(Level.INFO, "derived {0} {1} variants from backbone {2} in {3} ms ({4} kept from an earlier run)",
                variants.size(), operator, catalog.backboneId(), (System.nanoTime() - start) / 1_000_000, kept);
        return variants;
    }

    private static List<BlockVariant> cancelled(String operator, DerivationMeter meter) {
        LOG.log(Level.INFO, "derivation of {0} variants cancelled", operator);
        meter.cancelled();
        return List.of();
    }

    /**
     * A derived variant: Provenance.DERIVED, the errors added to the hyper-parameters, and a detail naming the
     * method, the backbone and both errors.
     *
     * @param method      how the kernel was factorised, e.g. "closed-form SVD"
     * @param kernelError the factorisation's relative kernel error
     */
    public static BlockVariant of(String id, OperatorKind kind, SlotSpec slot, Map<String, String> hyperParameters,
            String method, String backboneId, double kernelError, DerivedBlock.Result result) {
        Map<String, String> all = new HashMap<>(hyperParameters);
        all.put(KERNEL_ERROR, format(kernelError));
        all.put(CALIBRATION_ERROR, format(result.relativeError()));
        String calibration = result.recalibrated()
                ? "BN recalibrated on " + result.calibrationSamples() + " inputs, output error "
                        + format(result.relativeError())
                : "slot BN shared, output error not measured (no calibration inputs)";
        String detail = method + " of backbone " + backboneId + " slot " + slot.name() + " weights; kernel error "
                + format(kernelError) + "; " + calibration;
        return BlockVariant.of(id, kind, slot, all, Provenance.DERIVED, detail, result.graph());
    }

    private static String format(double value) {
        return Double.isNaN(value) ? "NaN" : String.format(Locale.ROOT, "%.4f", value);
    }
}
