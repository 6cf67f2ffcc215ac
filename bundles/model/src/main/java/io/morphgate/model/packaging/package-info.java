/**
 * Packaging an ONNX file as a model bundle, as the console's {@code model package} and the launcher's {@code --model}
 * do: the graph inspected and checked as the gateway will, the descriptor, calibration images, the jar.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.morphgate.model.packaging;
