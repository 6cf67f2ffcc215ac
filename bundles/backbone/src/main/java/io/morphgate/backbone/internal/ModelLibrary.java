package io.morphgate.backbone.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.morphgate.api.model.InstalledModel;
import io.morphgate.api.model.InstalledModel.State;

/**
 * The model bundles the backbone found, by bundle id, with what became of each. Written on the swap thread, read
 * anywhere.
 */
final class ModelLibrary {

    /** One model bundle: its artifacts once they were read and checked. */
    record Entry(long bundleId, String id, String version, State state, BackboneArtifacts artifacts,
            Optional<String> problem) {

        Entry with(State newState, Optional<String> newProblem) {
            return new Entry(bundleId, id, version, newState, artifacts, newProblem);
        }

        InstalledModel describe() {
            return artifacts == null
                    ? new InstalledModel(id, version, bundleId, "", state, Optional.empty(), 0, 0, 0, problem)
                    : new InstalledModel(id, version, bundleId, artifacts.sha256(), state,
                            Optional.of(artifacts.descriptor()), artifacts.slots().size(),
                            artifacts.defaultCost().params(), artifacts.defaultCost().macs(), problem);
        }
    }

    private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

    void put(Entry entry) {
        entries.put(entry.bundleId(), entry);
    }

    Optional<Entry> remove(long bundleId) {
        return Optional.ofNullable(entries.remove(bundleId));
    }

    Optional<Entry> get(long bundleId) {
        return Optional.ofNullable(entries.get(bundleId));
    }

    /** The valid model with this id (serving or available), the most recently installed first. */
    Optional<Entry> usable(String id) {
        return entries.values().stream()
                .filter(e -> e.id().equals(id) && (e.state() == State.AVAILABLE || e.state() == State.SERVING))
                .max(Comparator.comparingLong(Entry::bundleId));
    }

    /** The available models, in bundle order: the fall-back order when the serving model goes. */
    List<Entry> available() {
        return entries.values().stream().filter(e -> e.state() == State.AVAILABLE)
                .sorted(Comparator.comparingLong(Entry::bundleId)).toList();
    }

    /** Marks which entry serves (by bundle id; -1: none) and every other valid one available. */
    void serving(long bundleId) {
        entries.replaceAll((id, e) -> e.state() == State.SERVING && id != bundleId ? e.with(State.AVAILABLE,
                Optional.empty()) : id == bundleId ? e.with(State.SERVING, Optional.empty()) : e);
    }

    List<InstalledModel> describe() {
        return entries.values().stream().sorted(Comparator.comparingLong(Entry::bundleId)).map(Entry::describe)
                .toList();
    }
}
