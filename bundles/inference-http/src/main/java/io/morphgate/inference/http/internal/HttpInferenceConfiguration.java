package io.morphgate.inference.http.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate inference over HTTP",
        description = "POST /morphgate/v1/infer. The port is Felix HTTP's (framework property org.osgi.service.http.port).")
@interface HttpInferenceConfiguration {

    @AttributeDefinition(description = "Top classes in a reply when the request does not say (?top=N).")
    int defaultTopClasses() default 3;

    @AttributeDefinition(description = "Largest request body read, in bytes (413 PAYLOAD_TOO_LARGE beyond). The "
            + "serving configuration (morphgate.serving maxRequestBytes) applies its own limit too.")
    long maxBodyBytes() default 4_194_304;

    @AttributeDefinition(description = "A request not answered within this many seconds gets 504 TIMEOUT.")
    int replyTimeoutSeconds() default 30;
}
