package io.morphgate.status.page.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate status page", description = "The figures behind /morphgate/status.json.")
@interface StatusPageConfiguration {

    @AttributeDefinition(description = "Seconds between two points of the latency and throughput history.")
    int sampleSeconds() default 2;

    @AttributeDefinition(description = "Minutes of history kept and charted.")
    int historyMinutes() default 10;
}
