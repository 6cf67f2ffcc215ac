package io.morphgate.deployment.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.morphgate.api.deployment.DeploymentException;
import io.morphgate.api.deployment.DeploymentException.Code;

class ProtectedBundlesTest {

    private final FakeFramework framework = new FakeFramework();

    @Test
    void guardsTheFrameworkTheCoreAndMarkedBundles() {
        var system = framework.add("System Bundle", "org.apache.felix.framework", Map.of());
        var ort = framework.add("x:ort", "io.morphgate.onnxruntime.custom", Map.of("Morphgate-Protected", "true"));
        var control = framework.add("x:ctl", "io.morphgate.control.mqtt", Map.of());
        var self = framework.add("x:dep", "io.morphgate.deployment", Map.of());
        var scr = framework.add("x:scr", "org.apache.felix.scr", Map.of());
        var operator = framework.add("x:op", "io.morphgate.operator.lowrank", Map.of("Morphgate-Protected", "false"));
        for (var b : new org.osgi.framework.Bundle[] {system, ort, control, self, scr}) {
            assertEquals(Code.PROTECTED_BUNDLE, assertThrows(DeploymentException.class,
                    () -> ProtectedBundles.check(b, "stop")).code(), b.getSymbolicName());
        }
        assertDoesNotThrow(() -> ProtectedBundles.check(operator, "stop"));
        assertEquals(Code.PROTECTED_BUNDLE, assertThrows(DeploymentException.class,
                () -> ProtectedBundles.checkName("io.morphgate.backbone")).code());
        assertDoesNotThrow(() -> ProtectedBundles.checkName("io.morphgate.operator.fire"));
    }
}
