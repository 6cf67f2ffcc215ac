package io.morphgate.api.model;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Reads and steers the backbone's configuration. Registered by the backbone bundle.
 *
 * <p>The rule for a slot is, in this order: its pinned variant if it is accepted (a pin to {@code default} holds the
 * default layer); otherwise, while a plan proposed with {@link #propose} is in force, the plan's variant for the slot
 * if it is accepted, else the default layer; otherwise (no plan) the default layer: variants are offered, not
 * imposed. (A backbone configured with {@code unplannedSlots = HIGHEST_RANKED} takes instead the accepted variant for
 * that slot with the highest service ranking, the most recently registered first among equals.)
 */
@ProviderType
public interface ModelControl {

    /** The current status. */
    ModelStatus status();

    /**
     * Pins a slot to a variant. Completes when the configuration that results is serving, or exceptionally with an
     * {@link IllegalArgumentException} naming the unknown slot or variant. Pins set here are kept across restarts of
     * the implementation (the backbone stores them) until they are unpinned.
     */
    CompletionStage<ModelStatus> pin(String slot, String variantId);

    /** Removes the pin of a slot; completes when the configuration that results is serving. */
    CompletionStage<ModelStatus> unpin(String slot);

    /**
     * Pins several slots at once, in one swap: each value is a variant id or {@code default} (the slot's default
     * layer). Completes when the configuration that results is serving; nothing changes if a slot or variant is
     * unknown (the stage then fails with an {@link IllegalArgumentException} naming it).
     */
    CompletionStage<ModelStatus> pin(Map<String, String> variantBySlot);

    /** Removes the pins of several slots at once, in one swap. */
    CompletionStage<ModelStatus> unpin(Collection<String> slots);

    /**
     * Proposes a plan for the slots that are not pinned (a slot absent from {@code plan} runs its default layer) and
     * commits it only if it is healthy: the configuration that results is composed and warmed up beside the serving
     * one, and switched to only if its predictions agree with the serving configuration's on the calibration images
     * on at least {@code minAgreement} of them. Otherwise the serving configuration and the previous plan stay, and
     * the outcome says why. Completes with the outcome; fails with an {@link IllegalArgumentException} naming an
     * unknown slot, or a variant that does not target its slot.
     *
     * @since 1.1
     */
    CompletionStage<PlanOutcome> propose(Configuration plan, double minAgreement, String trigger);

    /**
     * Withdraws the plan: unpinned slots go back to the default layer (or to the ranking, see above). Completes when the configuration that
     * results is serving.
     *
     * @since 1.1
     */
    CompletionStage<ModelStatus> withdrawPlan();

    /**
     * Composes {@code configuration} (pins and plan do not apply) in a session of its own, warms it up and times
     * {@code runs} single inferences; the serving model is not touched. Fails with an {@link IllegalArgumentException}
     * when a variant it names is not accepted for its slot.
     *
     * @since 1.1
     */
    CompletionStage<ConfigurationProfile> profile(Configuration configuration, int runs);

    /**
     * Every model bundle the gateway found, serving, available or refused, in bundle order.
     *
     * @since 1.2
     */
    List<InstalledModel> models();

    /**
     * Makes the installed model {@code id} serve, in one atomic swap: its full model is composed, warmed up and checked
     * (no NaN or infinite output on its calibration images, or on a zero input when it has none) beside the serving
     * one; requests in flight finish on the old model. The choice is kept across restarts. Completes when the model
     * serves; fails with an {@link IllegalArgumentException} when no such model is installed or it was refused, and
     * with an {@link IllegalStateException} when it failed its check (the previous model keeps serving).
     *
     * @since 1.2
     */
    CompletionStage<ModelStatus> activateModel(String id);
}
