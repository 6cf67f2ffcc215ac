package io.morphgate.model;

/**
 * How a bundle says it carries a model. A model bundle holds no code: its manifest names the descriptor
 * ({@value #HEADER}{@code : model/model.json}) and requires the extender that reads it, so that it resolves only on a
 * gateway whose backbone will serve it (as a bundle with components requires Declarative Services).
 */
public final class ModelBundleFormat {

    /** Manifest header naming the descriptor inside the bundle. */
    public static final String HEADER = "Morphgate-Model";
    /** The {@code osgi.extender} name the backbone provides. */
    public static final String EXTENDER = "morphgate.model";
    /** The version of the format the backbone reads. */
    public static final String EXTENDER_VERSION = "1.0.0";
    /** Where a packaged model keeps its descriptor; its files lie beside it. */
    public static final String DESCRIPTOR_PATH = "model/model.json";
    /** The {@code Require-Capability} a model bundle declares. */
    public static final String REQUIRE_EXTENDER = "osgi.extender;filter:=\"(&(osgi.extender=" + EXTENDER
            + ")(version>=1.0)(!(version>=2.0)))\"";
    /** Prefix of a model bundle's symbolic name; the model id follows. */
    public static final String SYMBOLIC_NAME_PREFIX = "morphgate.model.";

    private ModelBundleFormat() {
    }

    /** The folder of the descriptor, with a trailing slash (empty at the root): the base of its relative paths. */
    public static String folderOf(String descriptorPath) {
        int slash = descriptorPath.lastIndexOf('/');
        return slash < 0 ? "" : descriptorPath.substring(0, slash + 1);
    }
}
