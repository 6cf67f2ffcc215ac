/** A plain-Java float interpreter for the supported ONNX subset: the correctness oracle, independent of ONNX Runtime. */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.0.0")
package io.morphgate.onnx.reference;
