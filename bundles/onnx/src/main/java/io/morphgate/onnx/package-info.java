/**
 * ONNX graph tooling for Morphgate: read/write, build, check, infer shapes, splice slot variants into a backbone
 * and count MACs/parameters. Pure Java over the {@code ai.onnx.proto} classes; no native code.
 */
@org.osgi.annotation.bundle.Export
@org.osgi.annotation.versioning.Version("1.1.0")
package io.morphgate.onnx;
