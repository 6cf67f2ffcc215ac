package io.morphgate.deployment.internal;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.wiring.FrameworkWiring;

/** Just enough of a framework (dynamic proxies) for the pieces that install and uninstall. */
final class FakeFramework {

    final Map<String, Bundle> byLocation = new ConcurrentHashMap<>();
    final List<String> uninstalled = new ArrayList<>();
    private long nextId = 1;

    Bundle add(String location, String symbolicName, Map<String, String> headers) {
        long id = location.equals("System Bundle") ? 0 : nextId++;
        Dictionary<String, String> dict = new Hashtable<>(headers);
        int[] state = {Bundle.ACTIVE};
        Bundle bundle = (Bundle) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getBundleId" -> id;
                    case "getSymbolicName" -> symbolicName;
                    case "getLocation" -> location;
                    case "getHeaders" -> dict;
                    case "getState" -> state[0];
                    case "getVersion" -> org.osgi.framework.Version.emptyVersion;
                    case "stop" -> {
                        state[0] = Bundle.RESOLVED;
                        yield null;
                    }
                    case "uninstall" -> {
                        state[0] = Bundle.UNINSTALLED;
                        byLocation.remove(location);
                        uninstalled.add(symbolicName);
                        yield null;
                    }
                    case "adapt" -> wiring();
                    case "hashCode" -> (int) id;
                    case "equals" -> p == a[0];
                    case "toString" -> symbolicName;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        byLocation.put(location, bundle);
        return bundle;
    }

    BundleContext context() {
        return (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {BundleContext.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getBundle" -> a == null || a.length == 0 ? null
                            : a[0] instanceof String s ? byLocation.get(s)
                            : byLocation.values().stream().filter(b -> b.getBundleId() == (long) a[0]).findFirst().orElse(null);
                    case "getBundles" -> byLocation.values().toArray(Bundle[]::new);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private FrameworkWiring wiring() {
        return (FrameworkWiring) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {FrameworkWiring.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getDependencyClosure" -> new ArrayList<>((java.util.Collection<?>) a[0]);
                    case "refreshBundles" -> {
                        for (Object listener : (Object[]) a[1]) {
                            ((FrameworkListener) listener).frameworkEvent(new FrameworkEvent(FrameworkEvent.PACKAGES_REFRESHED,
                                    byLocation.get("System Bundle"), null));
                        }
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
