package io.morphgate.onnx;

/** A variant cannot be spliced into a slot; says which slot and which variant, so the policy can skip just that one. */
public class CompositionException extends GraphException {
    private static final long serialVersionUID = 1L;
    private final String slot;
    private final String variantId;

    public CompositionException(String slot, String variantId, String reason) {
        super(prefix(slot, variantId) + reason);
        this.slot = slot;
        this.variantId = variantId;
    }

    public CompositionException(String slot, String variantId, String reason, Throwable cause) {
        super(prefix(slot, variantId) + reason, cause);
        this.slot = slot;
        this.variantId = variantId;
    }

    /** The slot name, never null. */
    public String slot() {
        return slot;
    }

    /** The variant id, or null when the problem is the slot itself (e.g. during {@code extract}). */
    public String variantId() {
        return variantId;
    }

    private static String prefix(String slot, String variantId) {
        return variantId == null ? "slot " + slot + ": " : "slot " + slot + ", variant " + variantId + ": ";
    }
}
