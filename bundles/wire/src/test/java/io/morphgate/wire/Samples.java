package io.morphgate.wire;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;
import io.morphgate.api.model.ModelDescriptor;
import io.morphgate.api.model.ModelStatus;
import io.morphgate.api.model.SlotState;
import io.morphgate.api.model.SwapRecord;
import io.morphgate.api.model.VariantState;
import io.morphgate.api.policy.PolicyDecision;
import io.morphgate.api.slot.SlotSpec;
import io.morphgate.api.slot.TensorShape;
import io.morphgate.api.variant.OperatorKind;
import io.morphgate.api.variant.Provenance;
import io.morphgate.api.variant.VariantDescriptor;

/** Records as a gateway serving a small CNN with two slots holds them. */
final class Samples {

    static final Configuration LOW_RANK = new Configuration(Map.of("conv2", "lowrank-conv2-b0.5", "conv1", "depthwise-conv1-m1"));

    private Samples() {
    }

    static ModelDescriptor model() {
        return new ModelDescriptor("fashion-mnist", "1.0.0", null, "model.onnx",
                new ModelDescriptor.Input("input", 1, 28, 28, 0, ModelDescriptor.ChannelOrder.RGB, List.of(0.5), List.of(0.5)),
                new ModelDescriptor.Output("logits"), List.of(), null, null, 0.91);
    }

    /** Slot 0 as an exported network has it (stride 2, no activation before a residual add), the others plain. */
    static SlotState slot(String name, int index, Optional<String> active, Optional<String> pinned) {
        SlotSpec spec = index == 0
                ? new SlotSpec(name, index, new TensorShape(16, 28, 28), new TensorShape(32, 14, 14), 3,
                        "conv3x3/2(16->32)+bias", 4_640, 909_440, 2, SlotSpec.Activation.NONE, false)
                : new SlotSpec(name, index, new TensorShape(16, 14, 14), new TensorShape(32, 14, 14), 3,
                        "Conv_" + index, 4_640, 909_440);
        return new SlotState(spec, active, pinned);
    }

    /** Accepted, active, measured. */
    static VariantState activeVariant() {
        return new VariantState(new VariantDescriptor("lowrank-conv2-b0.5", OperatorKind.LOW_RANK, "conv2",
                Map.of("k", "3", "beta", "0.5"), 1_200, 230_000, Provenance.DERIVED, "SVD of the slot's weights",
                OptionalDouble.of(0.9031)), 7, true, Optional.empty(), true, OptionalDouble.of(0.98));
    }

    /** Refused, nothing measured. */
    static VariantState refusedVariant() {
        return new VariantState(new VariantDescriptor("fire-conv1-s0.25", OperatorKind.FIRE, "conv1", Map.of(), 800,
                120_000, Provenance.TRAINED, "trainer run 12", OptionalDouble.empty()), 9, false,
                Optional.of("output 32x7x7, the slot needs 32x14x14"), false, OptionalDouble.empty());
    }

    static SwapRecord swap(long generation, Configuration configuration) {
        return new SwapRecord(generation, configuration, "variant bound: lowrank-conv2-b0.5",
                Instant.parse("2026-03-01T10:00:00.125Z"), Instant.parse("2026-03-01T10:00:00.480Z"), 41.5, 210.25, 3.0);
    }

    static ModelStatus serving() {
        return new ModelStatus("backbone-7f3a", ModelStatus.State.SERVING, LOW_RANK, 3, 95_000, 2_100_000,
                List.of(slot("conv1", 0, Optional.empty(), Optional.of("default")),
                        slot("conv2", 1, Optional.of("lowrank-conv2-b0.5"), Optional.empty())),
                List.of(activeVariant(), refusedVariant()),
                List.of(swap(2, Configuration.DEFAULT), swap(3, LOW_RANK)), Optional.empty(), 1, Optional.of(model()));
    }

    static ModelStatus noModel() {
        return new ModelStatus("none", ModelStatus.State.NO_MODEL, Configuration.DEFAULT, 0, 0, 0, List.of(), List.of(),
                List.of(), Optional.of("no model bundle installed"), 0, Optional.empty());
    }

    static PolicyDecision decision() {
        return new PolicyDecision(Instant.parse("2026-03-01T10:00:01Z"), "budget changed: MACs <= 2500000",
                new Budget(Double.POSITIVE_INFINITY, 2_500_000, Budget.UNLIMITED, 64_000_000), 1.25,
                Configuration.DEFAULT, LOW_RANK, PolicyDecision.Outcome.COMMITTED, List.of("conv1"), 0.9031, 0.131,
                Double.NaN, 2_100_000, 95_000, 380_000, OptionalDouble.of(0.97), Map.of("conv2", 4, "conv1", 0), 17,
                0.042, 2, "committed " + LOW_RANK.id());
    }
}
