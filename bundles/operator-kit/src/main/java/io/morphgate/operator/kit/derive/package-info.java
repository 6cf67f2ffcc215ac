/**
 * Data-free derivation of variant weights from a slot's trained conv (parameter sharing): closed-form kernel
 * factorisations, batch-norm sharing or recalibration, and the common build-and-measure path of a derived block.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.morphgate.operator.kit.derive;
