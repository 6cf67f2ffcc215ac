package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;

import org.apache.felix.framework.Felix;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;

/**
 * The morphgate-onnxruntime bundle in a real Felix 7: ORT's classes come from the bundle's class loader, its natives
 * from Bundle-NativeCode (extracted into the framework storage), and a session runs. Reflection, because the test
 * itself lives outside the framework.
 */
class OnnxRuntimeBundleTest {

    /** Y = X + X, float[1,4], opset 13, IR 7 (a hand-encoded ModelProto). */
    private static final byte[] ADD_MODEL = Base64.getDecoder().decode(
            "CAcSD21vcnBoZ2F0ZS1wcm9iZTpBCg4KAVgKAVgSAVkiA0FkZBIFcHJvYmVaEwoBWBIOCgwIARIICgIIAQoCCARiEwoBWRIOCgwIARIICgIIAQoCCARCBAoAEA0=");

    @TempDir
    Path storage;

    @Test
    void runsASessionWithNativesFromTheBundle() throws Exception {
        assumeTrue(System.getProperty("os.name").toLowerCase().contains("linux"), "the bundle carries Linux natives only");
        Path jar = bundleJar();
        Felix felix = new Felix(Map.of(Constants.FRAMEWORK_STORAGE, storage.toString()));
        felix.start();
        try {
            Bundle ort;
            try (InputStream in = Files.newInputStream(jar)) {
                ort = felix.getBundleContext().installBundle("mvn:io.morphgate/morphgate-onnxruntime/test", in);
            }
            ort.start();
            assertEquals("true", ort.getHeaders().get("Morphgate-Protected"));

            Class<?> envClass = ort.loadClass("ai.onnxruntime.OrtEnvironment");
            Object env = envClass.getMethod("getEnvironment").invoke(null);
            assertEquals("1.20.0", envClass.getMethod("getVersion").invoke(env));
            assertEquals(ort, org.osgi.framework.FrameworkUtil.getBundle(envClass));

            float[] y = runAdd(ort, env, new float[] {1, 2, 3, 4});
            assertArrayEquals(new float[] {2, 4, 6, 8}, y);
            assertNotNull(findExtractedNative(storage), "libonnxruntime.so not extracted into the framework storage");
        } finally {
            felix.stop();
            felix.waitForStop(10_000);
        }
    }

    private static float[] runAdd(Bundle ort, Object env, float[] x) throws Exception {
        Class<?> envClass = env.getClass();
        Class<?> optionsClass = ort.loadClass("ai.onnxruntime.OrtSession$SessionOptions");
        Class<?> tensorClass = ort.loadClass("ai.onnxruntime.OnnxTensor");
        Object options = optionsClass.getConstructor().newInstance();
        Object session = envClass.getMethod("createSession", byte[].class, optionsClass).invoke(env, ADD_MODEL, options);
        Object tensor = tensorClass.getMethod("createTensor", envClass, FloatBuffer.class, long[].class)
                .invoke(null, env, FloatBuffer.wrap(x), new long[] {1, x.length});
        Method run = session.getClass().getMethod("run", Map.class);
        try (AutoCloseable s = (AutoCloseable) session; AutoCloseable t = (AutoCloseable) tensor;
             AutoCloseable result = (AutoCloseable) run.invoke(session, Map.of("X", tensor))) {
            Object value = result.getClass().getMethod("get", int.class).invoke(result, 0);
            return ((float[][]) value.getClass().getMethod("getValue").invoke(value))[0];
        }
    }

    /** The bundle jar on the test class path (provided-scope dependency). */
    private static Path bundleJar() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(Path::of)
                .filter(p -> p.getFileName().toString().matches("morphgate-onnxruntime-.*\\.jar"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("morphgate-onnxruntime jar not on the test class path"));
    }

    private static Path findExtractedNative(Path root) throws Exception {
        try (var files = Files.walk(root)) {
            return files.filter(p -> p.getFileName().toString().equals("libonnxruntime.so")).findFirst().orElse(null);
        }
    }
}
