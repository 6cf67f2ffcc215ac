package io.morphgate.api.model;

import java.util.List;
import java.util.Optional;

/**
 * A snapshot of the backbone: what serves, what was offered, what was refused.
 *
 * @param backboneId     identity of the backbone parameters
 * @param state          lifecycle state
 * @param configuration  configuration of the serving composed model
 * @param generation     generation of the serving composed model
 * @param params         parameters of the serving composed model
 * @param macs           multiply-accumulates per sample of the serving composed model
 * @param slots          every slot and what fills it
 * @param variants       every variant offered, accepted or not
 * @param recentSwaps    the last swaps, newest last
 * @param lastError      the last composition or runtime failure, if any
 * @param openSessions   ONNX Runtime sessions the backbone holds open: the serving one, retired ones still finishing
 *                       requests, and any being built or probed; -1 when the provider does not count them
 * @param model          the serving model's descriptor; empty when no model serves (since 1.2)
 */
public record ModelStatus(String backboneId, State state, Configuration configuration, long generation, long params,
        long macs, List<SlotState> slots, List<VariantState> variants, List<SwapRecord> recentSwaps,
        Optional<String> lastError, int openSessions, Optional<ModelDescriptor> model) {

    /** A status that does not name its model (API 1.1 providers). */
    public ModelStatus(String backboneId, State state, Configuration configuration, long generation, long params,
            long macs, List<SlotState> slots, List<VariantState> variants, List<SwapRecord> recentSwaps,
            Optional<String> lastError, int openSessions) {
        this(backboneId, state, configuration, generation, params, macs, slots, variants, recentSwaps, lastError,
                openSessions, Optional.empty());
    }

    /** A status without a session count (API 1.0 providers): {@code openSessions} is -1. */
    public ModelStatus(String backboneId, State state, Configuration configuration, long generation, long params,
            long macs, List<SlotState> slots, List<VariantState> variants, List<SwapRecord> recentSwaps,
            Optional<String> lastError) {
        this(backboneId, state, configuration, generation, params, macs, slots, variants, recentSwaps, lastError, -1);
    }

    /** Lifecycle of the backbone. */
    public enum State {
        /** The first composed model is being built. */
        STARTING,
        /** A composed model is serving. */
        SERVING,
        /** No composed model could be built; {@code lastError} says why. */
        FAILED,
        /** No model bundle is installed, or none could be served: the gateway answers commands but cannot infer. */
        NO_MODEL,
        /** The backbone is shutting down. */
        STOPPED
    }
}
