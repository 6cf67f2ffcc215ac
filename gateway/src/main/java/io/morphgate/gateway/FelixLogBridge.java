package io.morphgate.gateway;

import java.lang.System.Logger.Level;

import org.apache.felix.framework.Logger;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/** Sends the framework's own log (felix.log.level) to java.util.logging instead of stdout. */
final class FelixLogBridge extends Logger {

    private static final System.Logger LOG = System.getLogger("org.apache.felix.framework");

    @Override
    protected void doLog(Bundle bundle, ServiceReference sr, int level, String msg, Throwable throwable) {
        String prefix = bundle == null ? "" : bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]: ";
        LOG.log(toLevel(level), prefix + msg, throwable);
    }

    @Override
    protected void doLog(int level, String msg, Throwable throwable) {
        LOG.log(toLevel(level), msg, throwable);
    }

    private static Level toLevel(int felixLevel) {
        return switch (felixLevel) {
            case LOG_ERROR -> Level.ERROR;
            case LOG_WARNING -> Level.WARNING;
            case LOG_INFO -> Level.INFO;
            default -> Level.DEBUG;
        };
    }
}
