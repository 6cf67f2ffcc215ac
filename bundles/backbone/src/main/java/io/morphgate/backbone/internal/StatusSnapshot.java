package io.morphgate.backbone.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.slot.SlotSpec;

/** Builds a {@link ModelStatus} from the backbone's parts. */
final class StatusSnapshot {

    private StatusSnapshot() {
    }

    /** @param artifacts the serving model, or null when none serves */
    static ModelStatus of(BackboneArtifacts artifacts, VariantRegistry registry, ServingModel serving,
            SwapJournal journal, Map<String, String> pins, boolean stopped, int openSessions) {
        Optional<ComposedModel> current = serving.current();
        Configuration configuration = current.map(ComposedModel::configuration).orElse(Configuration.DEFAULT);
        List<SlotState> slots = new ArrayList<>();
        for (SlotSpec spec : artifacts == null ? List.<SlotSpec>of() : artifacts.slots()) {
            slots.add(new SlotState(spec, Optional.ofNullable(configuration.variantBySlot().get(spec.name())),
                    Optional.ofNullable(pins.get(spec.name()))));
        }
        List<VariantState> variants = new ArrayList<>();
        for (OfferedVariant v : registry.all()) {
            if (v.descriptor().isPresent()) {
                boolean active = v.id().equals(configuration.variantBySlot().get(v.slot()));
                variants.add(v.state(active));
            }
        }
        ModelStatus.State state = stopped ? ModelStatus.State.STOPPED
                : artifacts == null ? ModelStatus.State.NO_MODEL
                : current.isPresent() ? ModelStatus.State.SERVING
                : journal.lastError().isPresent() ? ModelStatus.State.FAILED
                : ModelStatus.State.STARTING;
        return new ModelStatus(artifacts == null ? "" : artifacts.backboneId(), state, configuration,
                current.map(ComposedModel::generation).orElse(0L),
                current.map(m -> m.cost().params()).orElse(0L),
                current.map(m -> m.cost().macs()).orElse(0L),
                slots, variants, journal.recent(), journal.lastError(), openSessions,
                Optional.ofNullable(artifacts).map(BackboneArtifacts::descriptor));
    }
}
