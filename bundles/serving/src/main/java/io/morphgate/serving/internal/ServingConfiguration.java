package io.morphgate.serving.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate serving",
        description = "Decoding and dynamic batching of inference requests from local devices (HTTP and MQTT).")
@interface ServingConfiguration {

    @AttributeDefinition(description = "Largest batch run at once; 1 turns dynamic batching off.")
    int maxBatchSize() default 16;

    @AttributeDefinition(description = "Longest a request waits for others to join its batch, in microseconds. "
            + "Only under load: a lone request runs at once.")
    long maxBatchDelayMicros() default 2000;

    @AttributeDefinition(description = "Requests that may wait at most; more are refused with OVERLOADED "
            + "(HTTP 429).")
    int queueCapacity() default 256;

    @AttributeDefinition(description = "Threads that run batches on the inference service.")
    int workers() default 2;

    @AttributeDefinition(description = "Largest request body accepted, in bytes (PAYLOAD_TOO_LARGE beyond).")
    int maxRequestBytes() default 4_194_304;

    @AttributeDefinition(description = "Largest image accepted, in pixels (width x height), checked before decoding "
            + "(IMAGE_TOO_LARGE beyond).")
    long maxImagePixels() default 16_777_216;
}
