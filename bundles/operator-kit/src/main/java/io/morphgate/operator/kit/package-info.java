/**
 * What every operator bundle shares: immutable variants whose costs are counted on their own graph
 * ({@link io.morphgate.operator.kit.BlockVariant}), their service registrations
 * ({@link io.morphgate.operator.kit.VariantRegistrations}), fixed-seed parameters until trained ones ship
 * ({@link io.morphgate.operator.kit.SeededParameters}), derived variants kept across starts
 * ({@link io.morphgate.operator.kit.DerivedVariantCache}), the operator's report of skipped slots and derivation
 * progress ({@link io.morphgate.operator.kit.OperatorOffer}), the slot-shaped block around an operator's convolutions
 * ({@link io.morphgate.operator.kit.SlotBlock}) and the article's {@code int()} width rule
 * ({@link io.morphgate.operator.kit.Width}).
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.2.0")
package io.morphgate.operator.kit;
