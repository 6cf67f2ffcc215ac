package io.morphgate.demo.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Morphgate demo client")
@interface DemoConfiguration {

    @AttributeDefinition(description = "Milliseconds between two classified images.")
    long intervalMillis() default 1000;

    @AttributeDefinition(description = "Folder with the Fashion-MNIST test files (Debian package dataset-fashion-mnist).")
    String datasetDirectory() default "/usr/share/datasets/fashion-mnist";
}
