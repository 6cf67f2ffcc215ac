package io.morphgate.api.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which variant fills which slot; a slot that is absent runs its default layer.
 *
 * @param variantBySlot slot name to variant id
 */
public record Configuration(Map<String, String> variantBySlot) {

    /** The configuration in which every slot runs its default layer. */
    public static final Configuration DEFAULT = new Configuration(Map.of());

    public Configuration {
        variantBySlot = Map.copyOf(variantBySlot);
    }

    /**
     * A short id that depends only on the content: {@code default} for the default configuration, otherwise
     * {@code c-} and 10 hex digits of the SHA-256 of the sorted slot=variant pairs. The same choice always has the
     * same id, across swaps and restarts.
     */
    public String id() {
        if (variantBySlot.isEmpty()) {
            return "default";
        }
        StringBuilder canonical = new StringBuilder();
        new TreeMap<>(variantBySlot).forEach((slot, variant) -> canonical.append(slot).append('=').append(variant).append(';'));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("c-");
            for (int i = 0; i < 5; i++) {
                hex.append(String.format("%02x", digest[i]));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
