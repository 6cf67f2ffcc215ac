package io.morphgate.inference.mqtt.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate inference over MQTT",
        description = "Inference requests from local devices over MQTT: broker, identity, credentials, TLS, quality of "
                + "service, replies kept for repeated request ids.")
@interface MqttInferenceConfiguration {

    @AttributeDefinition(description = "tcp://host:port or ssl://host:port (MQTT 3.1.1). Empty: the framework "
            + "property morphgate.broker.url (set by the launcher), else tcp://127.0.0.1:1883.")
    String brokerUrl() default "";

    @AttributeDefinition(description = "Topic namespace morphgate/v1/<gatewayId>/. Empty: the framework property "
            + "morphgate.gateway.id, else gateway-1. The MQTT client id is <gatewayId>-inference.")
    String gatewayId() default "";

    @AttributeDefinition(description = "Broker user name; empty for none.")
    String username() default "";

    @AttributeDefinition(description = "File holding the broker password (first line), so it is not in the "
            + "configuration; empty for none.")
    String passwordFile() default "";

    @AttributeDefinition(description = "PEM file of the CA certificate(s) to trust for ssl:// brokers; empty: the "
            + "JVM's trust store.")
    String caCertificateFile() default "";

    @AttributeDefinition(description = "QoS of the request subscription and of the replies (0 or 1).")
    int qos() default 1;

    @AttributeDefinition(description = "QoS 1 replies in flight at most (Paho's max inflight).")
    int maxInflight() default 1000;

    @AttributeDefinition(description = "Top classes in a reply.")
    int topClasses() default 3;

    @AttributeDefinition(description = "MQTT keep-alive interval in seconds.")
    int keepAliveSeconds() default 30;

    @AttributeDefinition(description = "Replies kept for repeated request ids (the most recent ones): a request whose "
            + "id was answered within repliesKeptSeconds gets the same reply again, without running the model. "
            + "0: every request runs.")
    int repliesKept() default 1000;

    @AttributeDefinition(description = "How long a reply is kept for a repeated request id, in seconds.")
    int repliesKeptSeconds() default 60;
}
