package io.morphgate.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FrameworkPropertiesTest {

    @TempDir
    Path tmp;

    @Test
    void fillsInTheLauncherVariables() throws Exception {
        Path file = Files.writeString(tmp.resolve("framework.properties"),
                "org.osgi.framework.storage=${morphgate.data.dir}/cache\nfelix.log.level=2\n");
        Map<String, String> props = FrameworkProperties.load(file, Map.of("morphgate.data.dir", "/var/lib/morphgate"));
        assertEquals("/var/lib/morphgate/cache", props.get("org.osgi.framework.storage"));
        assertEquals("2", props.get("felix.log.level"));
    }

    @Test
    void anUndefinedPlaceholderIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> FrameworkProperties.substitute("${no.such.thing}/x", Map.of()));
    }

    @Test
    void systemPackagesExtraIsAppended() {
        Map<String, String> props = new HashMap<>(Map.of("org.osgi.framework.system.packages.extra", "sun.misc"));
        FrameworkProperties.addSystemPackagesExtra(props, "org.osgi.service.cm;version=1.6.1");
        assertEquals("sun.misc,org.osgi.service.cm;version=1.6.1", props.get("org.osgi.framework.system.packages.extra"));
    }
}
