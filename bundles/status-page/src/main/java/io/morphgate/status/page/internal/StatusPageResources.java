package io.morphgate.status.page.internal;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.http.whiteboard.propertytypes.HttpWhiteboardResource;

/** The page's static files, served from this bundle's {@code /status-page} folder under {@code /morphgate/status/}. */
@Component(service = StatusPageResources.class)
@HttpWhiteboardResource(pattern = "/morphgate/status/*", prefix = "/status-page")
public class StatusPageResources {
}
