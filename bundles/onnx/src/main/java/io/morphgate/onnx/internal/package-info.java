/** Helpers shared by the exported packages of this bundle. Not exported. */
package io.morphgate.onnx.internal;
