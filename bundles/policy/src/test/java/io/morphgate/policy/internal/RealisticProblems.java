package io.morphgate.policy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import io.morphgate.api.budget.Budget;
import io.morphgate.api.model.Configuration;

/**
 * Seeded search problems shaped like an exported CNN with data-free variants, for the benchmark and the tests at
 * sizes brute force cannot reach. Slots follow ResNet-18 at 224x224 (a 118 M MAC stem, then 3x3 convs of 115.6 M
 * MACs, 57.8 M for the stride-2 ones), cycled for more slots. Each slot has its default layer and eleven variants
 * that keep 4 % to 90 % of its MACs; latency follows MACs with an efficiency below one (a depthwise pair saves less
 * time than MACs) and noise, and one variant in ten is slower than the default layer. Drops grow with compression
 * and the slot's sensitivity; half are agreement-based (multiples of 1/64, many exactly 0: the ties the search must
 * break), half trained (multiples of 1/10,000).
 */
final class RealisticProblems {

    /** How the budget is set, as a fraction of the full model's figure. */
    enum Scenario {
        NO_BUDGET, MACS_HALF, MACS_THIRD, LATENCY_60, MACS_HALF_AND_LATENCY_70, NOTHING_FITS;

        Budget budget(long baseMacs, double baseLatency, double factor) {
            return switch (this) {
                case NO_BUDGET -> Budget.NONE;
                case MACS_HALF -> new Budget(Double.POSITIVE_INFINITY, baseMacs / 2, Budget.UNLIMITED, Budget.UNLIMITED);
                case MACS_THIRD -> new Budget(Double.POSITIVE_INFINITY, baseMacs / 3, Budget.UNLIMITED, Budget.UNLIMITED);
                case LATENCY_60 -> new Budget(0.6 * baseLatency * factor, Budget.UNLIMITED, Budget.UNLIMITED,
                        Budget.UNLIMITED);
                case MACS_HALF_AND_LATENCY_70 -> new Budget(0.7 * baseLatency * factor, baseMacs / 2,
                        Budget.UNLIMITED, Budget.UNLIMITED);
                case NOTHING_FITS -> new Budget(0.2 * baseLatency * factor, baseMacs / 50, Budget.UNLIMITED,
                        Budget.UNLIMITED);
            };
        }
    }

    private static final long[] RESNET18_SLOT_MACS = {118_013_952, 115_605_504, 115_605_504, 115_605_504,
            115_605_504, 57_802_752, 115_605_504, 115_605_504, 115_605_504, 57_802_752, 115_605_504, 115_605_504,
            115_605_504, 57_802_752, 115_605_504, 115_605_504, 115_605_504};
    /** Milliseconds per million MACs of a 3x3 conv, one thread (ResNet-18: 1.8 G MACs in about 58 ms, docs/benchmarks/exported-networks.md). */
    private static final double MILLIS_PER_MEGA_MAC = 0.028;

    private RealisticProblems() {
    }

    static ConfigurationSearch.Problem problem(long seed, int slots, int optionsPerSlot, Scenario scenario,
            Set<Configuration> excluded) {
        Random random = new Random(seed);
        List<List<SlotOption>> options = new ArrayList<>();
        long slotMacsTotal = 0;
        long paramsTotal = 0;
        for (int s = 0; s < slots; s++) {
            long slotMacs = RESNET18_SLOT_MACS[s % RESNET18_SLOT_MACS.length];
            long slotParams = slotMacs / (s % RESNET18_SLOT_MACS.length < 5 ? 3136 : 784);
            slotMacsTotal += slotMacs;
            paramsTotal += slotParams;
            double sensitivity = Math.exp(random.nextGaussian() * 0.8) * 0.01;
            String name = "conv" + s;
            List<SlotOption> slot = new ArrayList<>();
            slot.add(SlotOption.defaultLayer(name));
            for (int v = 1; v < optionsPerSlot; v++) {
                double kept = 0.04 + random.nextDouble() * 0.86;
                double saved = 1 - kept;
                double efficiency = random.nextInt(10) == 0 ? -0.2 - random.nextDouble() * 0.3
                        : 0.4 + random.nextDouble() * 0.6;
                double slotMillis = slotMacs / 1e6 * MILLIS_PER_MEGA_MAC;
                double latency = -saved * efficiency * slotMillis * (1 + random.nextGaussian() * 0.05);
                double rawDrop = sensitivity * saved * saved * (0.3 + random.nextDouble() * 1.4);
                double drop = random.nextBoolean() ? Math.floor(rawDrop * 64) / 64 : Math.round(rawDrop * 1e4) / 1e4;
                long macs = -Math.round(saved * slotMacs);
                long params = -Math.round(saved * slotParams);
                slot.add(new SlotOption(name, name + "-v" + v, drop, latency, macs, params, 4 * params));
            }
            options.add(slot);
        }
        long baseMacs = Math.round(slotMacsTotal * 1.03);
        double baseLatency = slotMacsTotal / 1e6 * MILLIS_PER_MEGA_MAC * 1.15;
        long baseParams = paramsTotal + 513_000;
        double factor = 1 + random.nextDouble() * 0.5;
        return new ConfigurationSearch.Problem(baseLatency, baseMacs, baseParams, 4 * baseParams, options,
                scenario.budget(baseMacs, baseLatency, factor), factor, excluded);
    }
}
