package io.morphgate.console;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.UUID;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The artifact of an install or update: {url, sha256, signature, keyId, size}. From a local jar the console computes
 * sha256 and size (and signs with --sign-with) and sends the jar with the upload verb first (url upload:<id>); for a
 * URL the caller gives them.
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

    @Option(names = "--signature-file", description = "Take sha256, size, signature and keyId from this JSON, as "
            + "'sign --out' and 'model package --sign-with' write it (the options above override its fields).")
    Path signatureFile;

    @Option(names = "--url", description = "Local jar only: the URL the gateway fetches it from instead of an "
            + "upload (https://..., or file:/... in a directory the gateway reads artifacts from).")
    String url;

    @Option(names = "--max-payload-bytes", description = "Local jar: the gateways' maxPayloadBytes (PID "
            + "morphgate.control.mqtt); each upload message stays below it (default: ${DEFAULT-VALUE}).",
            defaultValue = "262144")
    int maxPayloadBytes;

    /** The local jar to upload before the command, and its upload id; null when the gateways fetch a URL. */
    private Path jarToUpload;
    private String uploadId;

    JsonObject artifact(String source, CommandSpec spec) throws Exception {
        Path jar = localJar(source);
        JsonObject json = new JsonObject();
        if (jar != null) {
            if (!Files.isRegularFile(jar)) {
                throw new ParameterException(spec.commandLine(), "no such file: " + jar);
            }
            JsonObject computed = signWith != null ? SignCommand.signature(jar, signWith, keyId) : digest(jar);
            if (url == null) {
                if (maxPayloadBytes < JarUpload.MIN_PAYLOAD_BYTES) {
                    throw new ParameterException(spec.commandLine(), "--max-payload-bytes must be at least "
                            + JarUpload.MIN_PAYLOAD_BYTES);
                }
                jarToUpload = jar;
                uploadId = UUID.randomUUID().toString();
            }
            json.addProperty("url", url != null ? url : "upload:" + uploadId);
            if (signatureFile != null && signWith == null) {
                JsonObject signed = signed(spec);
                if (!computed.get("sha256").getAsString().equalsIgnoreCase(signed.get("sha256").getAsString())) {
                    throw new ParameterException(spec.commandLine(), signatureFile + " is the signature of another "
                            + "jar (its sha256 differs from " + jar + "'s)");
                }
                computed = signed;
            }
            computed.entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
        } else {
            if (signatureFile != null) {
                signed(spec).entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
            } else if (sha256 == null) {
                throw new ParameterException(spec.commandLine(), source + " is not a local file: give --sha256");
            }
            json.addProperty("url", source);
        }
        overrides(json);
        return json;
    }

    /** Sends the local jar to the gateways with the upload verb, if {@link #artifact} found one to send. */
    GatewayCommand.Ready upload(CloudLink link, ConnectionOptions connection, PrintWriter out) throws Exception {
        if (jarToUpload == null) {
            return new GatewayCommand.Ready(connection.gateways, Console.EXIT_OK);
        }
        return new JarUpload(link, connection.timeout(), out).send(jarToUpload, uploadId, maxPayloadBytes,
                connection.gateways);
    }

    /** The signature file's {sha256, size, signature, keyId}. */
    private JsonObject signed(CommandSpec spec) throws IOException {
        JsonObject json;
        try {
            json = JsonParser.parseString(Files.readString(signatureFile)).getAsJsonObject();
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "no such signature file: " + signatureFile);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), signatureFile + " is not a signature JSON object");
        }
        JsonObject fields = new JsonObject();
        for (String field : new String[] {"sha256", "size", "signature", "keyId"}) {
            if (!json.has(field) || !json.get(field).isJsonPrimitive()) {
                throw new ParameterException(spec.commandLine(), signatureFile + " has no " + field);
            }
            fields.add(field, json.get(field));
        }
        return fields;
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
