package io.morphgate.itests.benchmarks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

import io.morphgate.api.evaluation.EvaluationReport;
import io.morphgate.api.slot.SlotSpec;

/**
 * Exhaustive search over the single-slot choices: a configuration's MACs are exact (the full model's minus what each
 * chosen variant saves on its slot) and its accuracy is predicted additively from single-swap measurements.
 */
final class ConfigurationSearch {

    /** One slot's options: the default layer (null id) and each measured variant. */
    private record Choice(String variantId, long macsSaved, double accuracyChange) {
    }

    private final List<String> slotNames = new ArrayList<>();
    private final List<List<Choice>> choices = new ArrayList<>();
    private final long fullMacs;
    private final double fullAccuracy;

    ConfigurationSearch(EvaluationReport full, Map<String, SlotSpec> slots, List<AccuracyBenchmark.Single> singles) {
        this.fullMacs = full.macs();
        this.fullAccuracy = full.accuracy();
        for (String slot : slots.keySet()) {
            List<Choice> options = new ArrayList<>();
            options.add(new Choice(null, 0, 0));
            for (AccuracyBenchmark.Single s : singles) {
                if (s.state().descriptor().slot().equals(slot)) {
                    options.add(new Choice(s.state().descriptor().id(), full.macs() - s.report().macs(),
                            s.report().accuracy() - full.accuracy()));
                }
            }
            slotNames.add(slot);
            choices.add(options);
        }
    }

    /** The {@code count} configurations with the highest predicted accuracy whose MACs are at most {@code limit}. */
    List<Map<String, String>> best(long limit, int count) {
        PriorityQueue<Scored> top = new PriorityQueue<>(Comparator.comparingDouble(Scored::predicted));
        walk(0, new int[choices.size()], 0, 0, limit, count, top);
        List<Scored> sorted = new ArrayList<>(top);
        sorted.sort(Comparator.comparingDouble(Scored::predicted).reversed());
        List<Map<String, String>> result = new ArrayList<>();
        for (Scored s : sorted) {
            result.add(s.configuration());
        }
        return result;
    }

    private record Scored(Map<String, String> configuration, double predicted) {
    }

    private void walk(int slot, int[] picked, long saved, double change, long limit, int count,
            PriorityQueue<Scored> top) {
        if (slot == choices.size()) {
            if (fullMacs - saved <= limit) {
                double predicted = fullAccuracy + change;
                if (top.size() < count || predicted > top.peek().predicted()) {
                    top.add(new Scored(configuration(picked), predicted));
                    if (top.size() > count) {
                        top.poll();
                    }
                }
            }
            return;
        }
        List<Choice> options = choices.get(slot);
        for (int i = 0; i < options.size(); i++) {
            picked[slot] = i;
            walk(slot + 1, picked, saved + options.get(i).macsSaved(), change + options.get(i).accuracyChange(),
                    limit, count, top);
        }
    }

    private Map<String, String> configuration(int[] picked) {
        Map<String, String> c = new HashMap<>();
        for (int s = 0; s < picked.length; s++) {
            Choice choice = choices.get(s).get(picked[s]);
            if (choice.variantId() != null) {
                c.put(slotNames.get(s), choice.variantId());
            }
        }
        return c;
    }
}
