package io.morphgate.control.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate control over MQTT",
        description = "The link to the cloud controller: broker, identity, credentials, telemetry.")
@interface MqttControlConfiguration {

    @AttributeDefinition(description = "tcp://host:port or ssl://host:port (MQTT 3.1.1). Empty: the framework "
            + "property morphgate.broker.url (set by the launcher, e.g. its embedded broker), else tcp://127.0.0.1:1883.")
    String brokerUrl() default "";

    @AttributeDefinition(description = "Topic namespace morphgate/v1/<gatewayId>/ and MQTT client id. Empty: the "
            + "framework property morphgate.gateway.id, else gateway-1. 1-64 of A-Z a-z 0-9 . _ -")
    String gatewayId() default "";

    @AttributeDefinition(description = "Broker user name; empty for none.")
    String username() default "";

    @AttributeDefinition(description = "File holding the broker password (first line), so it is not in the "
            + "configuration; empty for none.")
    String passwordFile() default "";

    @AttributeDefinition(description = "PEM file of the CA certificate(s) to trust for ssl:// brokers; empty: the "
            + "JVM's trust store.")
    String caCertificateFile() default "";

    @AttributeDefinition(description = "Seconds between telemetry messages; 0 turns telemetry off.")
    int telemetryIntervalSeconds() default 10;

    @AttributeDefinition(description = "Largest command payload accepted, in bytes.")
    int maxPayloadBytes() default 262144;

    @AttributeDefinition(description = "MQTT keep-alive interval in seconds.")
    int keepAliveSeconds() default 30;

    @AttributeDefinition(description = "A command (e.g. a pin waiting for its swap) that has not finished after "
            + "this many seconds is answered TIMEOUT.")
    int commandTimeoutSeconds() default 120;

    @AttributeDefinition(description = "How many replies are kept for replayed request ids.")
    int repliesKept() default 1000;

    @AttributeDefinition(description = "An operator's background derivation publishes event/derivation when it "
            + "starts, when it ends, and in between when this many more slots are done (or derivationEventSeconds "
            + "have passed), at most once a second.")
    int derivationEventSlots() default 4;

    @AttributeDefinition(description = "Seconds after which a running derivation publishes its progress again even "
            + "if fewer than derivationEventSlots slots were done.")
    int derivationEventSeconds() default 10;
}
