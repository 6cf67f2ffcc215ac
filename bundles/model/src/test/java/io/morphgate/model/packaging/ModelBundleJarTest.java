package io.morphgate.model.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ModelBundleJarTest {

    @Test
    void anOsgiVersionIsKeptAndAnyOtherBecomesAQualifier() {
        assertEquals("1.0.0", ModelBundleJar.bundleVersion("1.0.0"));
        assertEquals("2", ModelBundleJar.bundleVersion("2"));
        assertEquals("1.2.3.beta_4-x", ModelBundleJar.bundleVersion("1.2.3.beta_4-x"));
        assertEquals("0.0.0.2_1-rc1", ModelBundleJar.bundleVersion("2.1-rc1"));
        assertEquals("0.0.0.v01", ModelBundleJar.bundleVersion("v01"));
        assertEquals("01.2", ModelBundleJar.bundleVersion("01.2"), "OSGi numbers may have leading zeros");
        assertEquals("0.0.0.1234567890", ModelBundleJar.bundleVersion("1234567890"), "beyond an int");
    }
}
