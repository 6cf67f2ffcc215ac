package io.morphgate.console;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import com.google.gson.JsonObject;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The artifact of an install or update: {url, sha256, signature, keyId, size}. From a local jar the console computes
 * sha256 and size (and signs with --sign-with); for a URL the caller gives them.
 */
final class ArtifactOptions {

    @Option(names = "--sha256", description = "SHA-256 of the jar, hex (computed for a local file).")
    String sha256;

    @Option(names = "--signature", description = "Ed25519 signature of the jar, base64 (see sign).")
    String signature;

    @Option(names = "--key-id", description = "Id of the key that signed it (the gateway holds <keyId>.pub).")
    String keyId;

    @Option(names = "--size", description = "Size in bytes (computed for a local file).")
    Long size;

    @Option(names = "--sign-with", description = "Local jar only: sign it with this <name>.key.")
    Path signWith;

    @Option(names = "--url", description = "Local jar only: the URL the gateway downloads it from "
            + "(default: its file: URL, for a gateway on this machine).")
    String url;

    JsonObject artifact(String source, CommandSpec spec) throws Exception {
        Path jar = localJar(source);
        JsonObject json = new JsonObject();
        if (jar != null) {
            if (!Files.isRegularFile(jar)) {
                throw new ParameterException(spec.commandLine(), "no such file: " + jar);
            }
            JsonObject computed = signWith != null ? SignCommand.signature(jar, signWith, keyId) : digest(jar);
            json.addProperty("url", url != null ? url : jar.toAbsolutePath().toUri().toString());
            computed.entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        } else {
            if (sha256 == null) {
                throw new ParameterException(spec.commandLine(), source + " is not a local file: give --sha256");
            }
            json.addProperty("url", source);
        }
        overrides(json);
        return json;
    }

    /** The local jar a source names (a path or a file: URL), or null for a remote URL. */
    static Path localJar(String source) {
        if (source.startsWith("file:")) {
            return Path.of(URI.create(source));
        }
        return source.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*") ? null : Path.of(source);
    }

    private void overrides(JsonObject json) {
        if (sha256 != null) {
            json.addProperty("sha256", sha256);
        }
        if (signature != null) {
            json.addProperty("signature", signature);
        }
        if (keyId != null) {
            json.addProperty("keyId", keyId);
        }
        if (size != null) {
            json.addProperty("size", size);
        }
    }

    private static JsonObject digest(Path jar) throws Exception {
        byte[] bytes = Files.readAllBytes(jar);
        JsonObject json = new JsonObject();
        json.addProperty("sha256", Keys.sha256(bytes));
        json.addProperty("size", bytes.length);
        return json;
    }
}
