package io.morphgate.deployment.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the deployer (PID {@code morphgate.deployment}). Empty directories mean the defaults. */
@ObjectClassDefinition(name = "Morphgate deployment", description = "Deployment jobs: download, verify, install, "
        + "health check, commit or roll back")
@interface DeploymentConfiguration {

    @AttributeDefinition(description = "Jobs, downloads, uploads and previous jars; default: "
            + "${morphgate.data.dir}/deployment, else the bundle's data area")
    String dataDirectory() default "";

    @AttributeDefinition(description = "Directory of <keyId>.pub files (base64 X.509 Ed25519 public keys); "
            + "default: ${morphgate.home}/conf/trusted-keys")
    String trustedKeysDirectory() default "";

    @AttributeDefinition(description = "Directories besides the gateway's data directory (and the deployer's) from "
            + "which file: artifact URLs may be read; a file: URL whose real path (links and .. resolved) lies outside "
            + "all of them is refused with SOURCE_NOT_ALLOWED. Default: none")
    String[] allowedFileDirectories() default {};

    @AttributeDefinition(description = "Refuse jars without a valid signature by a trusted key")
    boolean requireSignature() default true;

    @AttributeDefinition(description = "Largest jar accepted, in bytes: a model bundle carries its ONNX file "
            + "(ResNet-18 is 45 MB, VGG-16 530 MB), so the default takes models up to 256 MiB")
    long maxArtifactBytes() default 256L * 1024 * 1024;

    @AttributeDefinition(description = "Jobs that may wait behind the running one; more are refused with BUSY")
    int queueCapacity() default 4;

    @AttributeDefinition(description = "How long a started bundle's variants may take to be accepted")
    int healthCheckTimeoutSeconds() default 30;

    @AttributeDefinition(description = "How long the backbone may take to read and check a model bundle (a large "
            + "model on a busy gateway takes far longer than an operator's variants)")
    int modelCheckTimeoutSeconds() default 180;

    @AttributeDefinition(description = "How long one download attempt may take")
    int downloadTimeoutSeconds() default 120;
}
